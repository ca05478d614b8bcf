import { and, eq, inArray, lt, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { callTranscripts, type AiProviderName, type SentimentRollup, type TranscriptActionItem, type TranscriptSegment } from "../../../schema";

/**
 * Who works on a call's transcript. The queue delivers a job at least once,
 * so the row is claimed before any model is called: one conditional upsert
 * sets it to `pending` with a claim time, and only the job holding that claim
 * may settle it. A done transcript of the same recording is never claimed
 * again; a failed or skipped one is (the queue's retry, or a member's).
 */

export type TranscriptRow = typeof callTranscripts.$inferSelect;

/** A claim older than this belongs to a job that died mid-way (model calls time out after 2 minutes each). */
export const CLAIM_LEASE_MS = 15 * 60_000;

const CLEARED = {
  status: "pending" as const,
  language: null,
  segments: [] as TranscriptSegment[],
  text: "",
  summary: null,
  actionItems: [] as TranscriptActionItem[],
  provider: null,
  model: null,
  error: null,
};

/**
 * Claims the call's transcript for this job: a new row, or one that may be
 * worked on again (another recording, failed, skipped, put back to pending by
 * a retry at or before `requestedAt`, or a claim past its lease). Answers the
 * claim time, or null when someone else has it or it is done.
 */
export async function claimTranscript(
  db: Db,
  job: { orgId: string; callId: string; recordingKey: string; requestedAt?: number },
  now = Date.now(),
): Promise<number | null> {
  const claimedAt = Math.max(now, (job.requestedAt ?? 0) + 1);
  const rows = await db
    .insert(callTranscripts)
    .values({ ...CLEARED, callId: job.callId, orgId: job.orgId, recordingKey: job.recordingKey, createdAt: now, updatedAt: claimedAt })
    .onConflictDoUpdate({
      target: callTranscripts.callId,
      set: { ...CLEARED, recordingKey: job.recordingKey, updatedAt: claimedAt },
      setWhere: and(
        eq(callTranscripts.orgId, job.orgId),
        or(
          ne(callTranscripts.recordingKey, job.recordingKey),
          inArray(callTranscripts.status, ["failed", "skipped"]),
          and(
            eq(callTranscripts.status, "pending"),
            or(lte(callTranscripts.updatedAt, job.requestedAt ?? -1), lt(callTranscripts.updatedAt, now - CLAIM_LEASE_MS)),
          ),
        ),
      ),
    })
    .returning({ callId: callTranscripts.callId });
  return rows.length ? claimedAt : null;
}

export type Settlement =
  | { status: "done"; segments: TranscriptSegment[]; sentiment: SentimentRollup | null; language: string | null; summary: string | null; actionItems: TranscriptActionItem[]; provider: AiProviderName; model: string; error: string | null }
  | { status: "failed" | "skipped"; error: string; provider?: AiProviderName | null; model?: string | null };

/** Writes the job's outcome, if the job still holds its claim. */
export async function settleTranscript(db: Db, callId: string, claimedAt: number, outcome: Settlement, now = Date.now()): Promise<boolean> {
  const values =
    outcome.status === "done"
      ? { ...outcome, text: outcome.segments.map((s) => s.text).join("\n") }
      : { status: outcome.status, error: outcome.error, provider: outcome.provider ?? null, model: outcome.model ?? null };
  const rows = await db
    .update(callTranscripts)
    .set({ ...values, updatedAt: Math.max(now, claimedAt + 1) })
    .where(and(eq(callTranscripts.callId, callId), eq(callTranscripts.status, "pending"), eq(callTranscripts.updatedAt, claimedAt)))
    .returning({ callId: callTranscripts.callId });
  return rows.length > 0;
}

export async function findTranscript(db: Db, orgId: string, callId: string): Promise<TranscriptRow | undefined> {
  return db.select().from(callTranscripts).where(and(eq(callTranscripts.orgId, orgId), eq(callTranscripts.callId, callId))).get();
}

/**
 * Puts a failed, skipped or abandoned transcript (or a recording never
 * transcribed) back to pending for a member's retry. Answers the time to
 * hand the job as `requestedAt`, or null when it is done or being worked on.
 */
export async function reopenTranscript(db: Db, orgId: string, callId: string, recordingKey: string, now = Date.now()): Promise<number | null> {
  const rows = await db
    .insert(callTranscripts)
    .values({ ...CLEARED, callId, orgId, recordingKey, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: callTranscripts.callId,
      set: { ...CLEARED, recordingKey, updatedAt: sql`max(${now}, ${callTranscripts.updatedAt} + 1)` },
      setWhere: and(
        eq(callTranscripts.orgId, orgId),
        or(
          ne(callTranscripts.recordingKey, recordingKey),
          inArray(callTranscripts.status, ["failed", "skipped"]),
          and(eq(callTranscripts.status, "pending"), lt(callTranscripts.updatedAt, now - CLAIM_LEASE_MS)),
        ),
      ),
    })
    .returning({ updatedAt: callTranscripts.updatedAt });
  return rows[0]?.updatedAt ?? null;
}
