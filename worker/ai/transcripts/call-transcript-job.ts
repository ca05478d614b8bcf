import { and, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb, type Db } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { Job } from "../../platform/job-queue";
import { calls, type CallRow, type TranscriptActionItem, type TranscriptSegment } from "../../../schema";
import type { CallTranscriptJob } from "../../../schema/jobs";
import { callTitle, partyNames } from "../../telephony";
import { raiseInsight } from "../../insights";
import type { ChatModel } from "../providers/ai-provider";
import { resolveAi, SETUP_HINT } from "../providers/ai-config";
import { assertWithinBudget, recordAiUsage } from "../usage/ai-usage";
import { claimTranscript, findTranscript, settleTranscript, type Settlement } from "./call-transcript-rows";
import { headlineOf, summarizeTranscript } from "./call-summary";
import { transcribeRecording } from "./recording-transcription";
import { stereoChannels } from "./wav-channels";
import { judgeTranscript } from "./transcript-sentiment";

/**
 * The queue job that turns a call's recording into a transcript, a summary
 * and action items. Nothing leaves the Worker when the organization turned
 * transcription off, has no model, or spent its audio budget: the transcript
 * is `skipped` with what to change. A provider failure is `failed` with its
 * message; a transient one (unreachable, 429, 5xx) is thrown as well, so the
 * queue tries again up to its retry limit. Twilio's dual-channel WAV, when
 * the recording copy left one (`channelsKey`), is what gets transcribed, and
 * it is deleted once the transcript is done, skipped or failed for good, so
 * no second copy of the audio lingers.
 */

export const TRANSCRIPTION_OFF =
  "Transcription is turned off for this organization. An owner or admin can turn it on under Settings → AI.";

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/** Worth another try: the provider was unreachable, busy or broken, not a refusal of this request. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof AppError)) return true;
  if (err.code !== "provider_error") return false;
  const status = (err.details as { status?: number } | undefined)?.status;
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

interface DraftOutcome {
  summary: string | null;
  actionItems: TranscriptActionItem[];
  error: string | null;
}

/** The summary is a bonus on a finished transcript: its failure is noted, never a reason to transcribe again. */
async function draftSummary(env: Env, db: Db, orgId: string, chat: ChatModel | null, segments: TranscriptSegment[]): Promise<DraftOutcome> {
  if (!chat || segments.length === 0) return { summary: null, actionItems: [], error: null };
  try {
    await assertWithinBudget(env, db, orgId, "chat");
    const { draft, usage } = await summarizeTranscript(chat, segments);
    await recordAiUsage(db, { orgId, userId: null, feature: "call_summary", provider: chat.provider, model: chat.model, ...usage });
    return { summary: draft.summary, actionItems: draft.actionItems.map((text) => ({ id: newId(), text })), error: null };
  } catch (err) {
    return { summary: null, actionItems: [], error: `The transcript is done, but no summary was written: ${messageOf(err)}` };
  }
}

/** An inbox entry and `ai_insight` for the members who may see the call (the same audience as its call events). */
async function announceSummary(env: Env, db: Db, call: CallRow, summary: string) {
  try {
    const title = callTitle(call, await partyNames(db, call.orgId, [call]));
    const headline = headlineOf(summary);
    await raiseInsight(env, db, {
      orgId: call.orgId,
      kind: "call_summary",
      record: { type: "call", id: call.id, title },
      headline,
      evidence: [{ type: "call", id: call.id, title, detail: headline }],
      dedupeKey: `call_summary:${call.id}`,
      by: null,
    });
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "call summary insight not published", orgId: call.orgId, err: String(err) }));
  }
}

/**
 * The audio to send: Twilio's dual-channel WAV when the copy left one (each
 * party transcribed on its own), otherwise the recording itself.
 */
async function recordingAudio(env: Env, job: CallTranscriptJob) {
  for (const key of [job.channelsKey, job.recordingKey]) {
    const object = key ? await env.FILES.get(key) : null;
    if (!object) continue;
    const bytes = new Uint8Array(await object.arrayBuffer());
    // Only a two-channel PCM WAV beats the recording; anything else is the recording's job.
    if (key === job.channelsKey && !stereoChannels(bytes)) continue;
    return { bytes, storedType: object.httpMetadata?.contentType };
  }
  return null;
}

export async function transcribeCall(env: Env, job: CallTranscriptJob): Promise<void> {
  const db = orgDb(env, job.orgId);
  // The transient WAV goes once the transcript is settled for good; a retried job still needs it.
  const dropChannels = async () => void (job.channelsKey && (await env.FILES.delete(job.channelsKey)));
  const call = await db.select().from(calls).where(and(eq(calls.orgId, job.orgId), eq(calls.id, job.callId))).get();
  // The recording was deleted or replaced since this job was sent; a replacement has a job of its own.
  if (!call || call.recordingKey !== job.recordingKey) return dropChannels();
  const claimedAt = await claimTranscript(db, job);
  if (claimedAt === null) {
    // Done already (a redelivered copy sent the WAV again); a job still at work keeps it.
    const row = await findTranscript(db, job.orgId, job.callId);
    if (row?.status === "done" && row.recordingKey === job.recordingKey) await dropChannels();
    return;
  }
  const settle = (outcome: Settlement) => settleTranscript(db, call.id, claimedAt, outcome);
  /** Settles for good; the job that settles drops the WAV (one that lost its claim leaves it to the job that took it). */
  const finish = async (outcome: Settlement) => {
    const settled = await settle(outcome);
    if (settled) await dropChannels();
    return settled;
  };

  const resolved = await resolveAi(env, db, job.orgId);
  if (!resolved.transcriptionEnabled) return void (await finish({ status: "skipped", error: TRANSCRIPTION_OFF }));
  const model = resolved.transcription;
  if (!model) return void (await finish({ status: "skipped", error: `No transcription model is set up. ${SETUP_HINT}` }));
  try {
    await assertWithinBudget(env, db, job.orgId, "transcription");
  } catch (err) {
    if (err instanceof AppError && err.code === "rate_limited") return void (await finish({ status: "skipped", error: err.message }));
    throw err;
  }

  const audio = await recordingAudio(env, job);
  if (!audio) return void (await finish({ status: "failed", error: "The recording is no longer in storage." }));
  const route = { provider: model.provider, model: model.model };
  let transcribed;
  try {
    transcribed = await transcribeRecording(
      model,
      { ...audio, name: call.id, direction: call.direction },
      (audioSeconds) => recordAiUsage(db, { orgId: job.orgId, userId: null, feature: "call_transcript", ...route, audioSeconds }),
    );
  } catch (err) {
    const outcome = { status: "failed" as const, error: messageOf(err), ...route };
    if (!isRetryable(err)) return void (await finish(outcome));
    await settle(outcome);
    throw err;
  }

  const draft = await draftSummary(env, db, job.orgId, resolved.chat, transcribed.segments);
  const judged = await judgeTranscript(env, db, job.orgId, transcribed.segments, call.startedAt);
  const settled = await finish({ status: "done", segments: judged.segments, sentiment: judged.sentiment, language: transcribed.language, ...draft, ...route });
  if (settled && draft.summary) await announceSummary(env, db, call, draft.summary);
}

export const callTranscriptJob = (env: Env, job: Job) => transcribeCall(env, job as CallTranscriptJob);
