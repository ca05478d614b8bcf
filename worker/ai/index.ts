/**
 * The AI layer: one provider seam (providers/), the organization's own model
 * settings and usage metering (settings/, usage/). Mounted under /api by
 * worker/app.ts.
 */
import { createRouter } from "../platform/http";
import { registerJob } from "../platform/job-queue";
import { CALL_TRANSCRIPT_JOB, TICKET_SENTIMENT_JOB } from "../../schema/jobs";
import { aiTicketDraftRoutes } from "./drafts/ticket-draft-routes";
import { aiAssistantRoutes } from "./assistant/assistant-routes";
import { aiSettingsRoutes } from "./settings/ai-settings-routes";
import { callTranscriptJob } from "./transcripts/call-transcript-job";
import { ticketSentimentJob } from "./sentiment/ticket-sentiment-job";
import { callTranscriptRoutes } from "./transcripts/call-transcript-routes";

/** For workflow actions (worker/automation): the organization's chat model, its budget and metering, and ticket reply drafts. */
export { requireChat, resolveAi } from "./providers/ai-config";
export { completeChat } from "./providers/ai-provider";
export { assertWithinBudget, recordAiUsage } from "./usage/ai-usage";
export { startTicketReplyDraft } from "./drafts/ticket-reply-draft";

registerJob(CALL_TRANSCRIPT_JOB, callTranscriptJob);
registerJob(TICKET_SENTIMENT_JOB, ticketSentimentJob);

export const aiRoutes = createRouter()
  .route("/ai", aiSettingsRoutes)
  .route("/ai/conversations", aiAssistantRoutes)
  .route("/ai", aiTicketDraftRoutes)
  .route("/ai/calls", callTranscriptRoutes);
