import { and, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb, type Db } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { Job } from "../../platform/job-queue";
import { publishEvent } from "../../platform/room-rpc";
import { calls, type CallRow, type TranscriptActionItem, type TranscriptSegment } from "../../../schema";
import type { CallTranscriptJob } from "../../../schema/jobs";
import { callAudience, partyNames } from "../../telephony";
import type { ChatModel } from "../providers/ai-provider";
import { resolveAi, SETUP_HINT } from "../providers/ai-config";
import { assertWithinBudget, recordAiUsage } from "../usage/ai-usage";
import { claimTranscript, settleTranscript } from "./call-transcript-rows";
import { headlineOf, summarizeTranscript } from "./call-summary";
import { transcribeRecording } from "./recording-transcription";

/**
 * The queue job that turns a call's recording into a transcript, a summary
 * and action items. Nothing leaves the Worker when the organization turned
 * transcription off, has no model, or spent its audio budget: the transcript
 * is `skipped` with what to change. A provider failure is `failed` with its
 * message; a transient one (unreachable, 429, 5xx) is thrown as well, so the
 * queue tries again up to its retry limit.
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

export function callTitle(call: Pick<CallRow, "direction" | "fromNumber" | "toNumber" | "contactId" | "leadId">, names: Map<string, string>) {
  const party = names.get(call.contactId ?? call.leadId ?? "");
  if (party) return `Call with ${party}`;
  return call.direction === "inbound" ? `Call from ${call.fromNumber || "an unknown number"}` : `Call to ${call.toNumber || "an unknown number"}`;
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

/** `ai_insight` to the members who may see the call (the same audience as its call events). */
async function announceSummary(env: Env, db: Db, call: CallRow, summary: string) {
  try {
    const title = callTitle(call, await partyNames(db, call.orgId, [call]));
    const { userIds } = await callAudience(db, call.orgId, call.agentUserId);
    await publishEvent(env, call.orgId, "ai_insight", { kind: "call_summary", record: { type: "call", id: call.id, title }, headline: headlineOf(summary), by: null }, userIds);
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "call summary insight not published", orgId: call.orgId, err: String(err) }));
  }
}

export async function transcribeCall(env: Env, job: CallTranscriptJob): Promise<void> {
  const db = orgDb(env, job.orgId);
  const call = await db.select().from(calls).where(and(eq(calls.orgId, job.orgId), eq(calls.id, job.callId))).get();
  // The recording was deleted or replaced since this job was sent; a replacement has a job of its own.
  if (!call || call.recordingKey !== job.recordingKey) return;
  const claimedAt = await claimTranscript(db, job);
  if (claimedAt === null) return;
  const settle = (outcome: Parameters<typeof settleTranscript>[3]) => settleTranscript(db, call.id, claimedAt, outcome);

  const resolved = await resolveAi(env, db, job.orgId);
  if (!resolved.transcriptionEnabled) return void (await settle({ status: "skipped", error: TRANSCRIPTION_OFF }));
  const model = resolved.transcription;
  if (!model) return void (await settle({ status: "skipped", error: `No transcription model is set up. ${SETUP_HINT}` }));
  try {
    await assertWithinBudget(env, db, job.orgId, "transcription");
  } catch (err) {
    if (err instanceof AppError && err.code === "rate_limited") return void (await settle({ status: "skipped", error: err.message }));
    throw err;
  }

  const object = await env.FILES.get(job.recordingKey);
  if (!object) return void (await settle({ status: "failed", error: "The recording is no longer in storage." }));
  const route = { provider: model.provider, model: model.model };
  let transcribed;
  try {
    transcribed = await transcribeRecording(
      model,
      { bytes: new Uint8Array(await object.arrayBuffer()), storedType: object.httpMetadata?.contentType, name: call.id, direction: call.direction },
      (audioSeconds) => recordAiUsage(db, { orgId: job.orgId, userId: null, feature: "call_transcript", ...route, audioSeconds }),
    );
  } catch (err) {
    await settle({ status: "failed", error: messageOf(err), ...route });
    if (isRetryable(err)) throw err;
    return;
  }

  const draft = await draftSummary(env, db, job.orgId, resolved.chat, transcribed.segments);
  const settled = await settle({ status: "done", segments: transcribed.segments, language: transcribed.language, ...draft, ...route });
  if (settled && draft.summary) await announceSummary(env, db, call, draft.summary);
}

export const callTranscriptJob = (env: Env, job: Job) => transcribeCall(env, job as CallTranscriptJob);
