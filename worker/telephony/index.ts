/**
 * Telephony: the call core (calls, queues, recordings, extensions, the live
 * board and the softphone line) and one folder per provider (twilio/, ari/,
 * pbx/, threecx/). Mounted under /api by worker/app.ts.
 */
import { registerJob } from "../platform/job-queue";
import { createRouter } from "../platform/http";
import { MAX_WAIT_JOB, QUEUE_WAKE_JOB } from "../../schema/jobs";
import { telephonyPbxLinkRoutes } from "./ari/ari-link-routes";
import { telephonyCallControlRoutes } from "./call-control-routes";
import { telephonyCallRoutes } from "./call-routes";
import { telephonyExtensionRoutes } from "./extension-routes";
import { telephonyLineRoutes } from "./line-routes";
import { telephonyLiveRoutes } from "./live-routes";
import { telephonyPbxEventRoutes } from "./pbx/pbx-event-routes";
import { telephonyPbxRoutes } from "./pbx/pbx-routes";
import { telephonyProviderRoutes } from "./providers/provider-routes";
import { telephonyQueueRoutes } from "./queues/queue-routes";
import { RECORDING_JOB, recordingJob } from "./recordings/call-recordings";
import { telephonyRecordingRoutes } from "./recordings/recording-routes";
import { telephony3cxRoutes, telephony3cxTemplateRoutes } from "./threecx/threecx-routes";
import { telephonyTwilioRoutes } from "./twilio/twilio-routes";
import { maxWaitJob, queueWakeJob } from "./twilio/twilio-wait";
import { telephonyTwilioWebhookRoutes } from "./twilio/twilio-webhook-routes";

export { AriLink } from "./ari/ari-link";

/** For the AI assistant's tools: calls as their viewer may see them. */
export { getCall, listCalls } from "./call-queries";

/** For workflow actions (worker/automation): a call's notes and disposition set as its wrap-up route sets them. */
export { wrapUpCall } from "./call-queries";
export { WrapUpBody as CallWrapUpSchema } from "./call-routes";

/** For the global search (worker/search): calls by words said in them. */
export { callTitle, searchCallTranscripts, type CallSearchHit } from "./call-search";

/** For call transcripts (worker/ai/transcripts): the call's visibility rule, who hears its events, its party's name and title, the recording's transient WAV. */
export { requireCall } from "./call-queries";
export { callAudience } from "./call-effects";
export { partyNames } from "./call-matching";
export { recordingChannelsKey } from "./recordings/call-recordings";

registerJob(RECORDING_JOB, recordingJob);
registerJob(QUEUE_WAKE_JOB, queueWakeJob);
registerJob(MAX_WAIT_JOB, maxWaitJob);

export const telephonyRoutes = createRouter()
  .route("/telephony/providers", telephonyProviderRoutes)
  .route("/telephony/providers", telephony3cxTemplateRoutes)
  .route("/telephony/pbx", telephonyPbxRoutes)
  .route("/telephony/pbx", telephonyPbxEventRoutes)
  .route("/telephony/pbx", telephonyPbxLinkRoutes)
  .route("/telephony/3cx", telephony3cxRoutes)
  .route("/telephony/extensions", telephonyExtensionRoutes)
  .route("/telephony/queues", telephonyQueueRoutes)
  .route("/telephony/calls", telephonyCallRoutes)
  .route("/telephony/calls", telephonyRecordingRoutes)
  .route("/telephony/calls", telephonyCallControlRoutes)
  .route("/telephony/twilio", telephonyTwilioRoutes)
  .route("/telephony/twilio", telephonyTwilioWebhookRoutes)
  .route("/telephony", telephonyLiveRoutes)
  .route("/telephony", telephonyLineRoutes);
