import { and, asc, eq, gte, isNull, lt, or, sql } from "drizzle-orm";
import { automationEvents, idempotencyKeys, segments, type DomainEvent, type Segment, type SegmentEntity } from "../../../schema";
import type { Env } from "../../platform/env";
import { directoryDb, orgDb, type Db } from "../../platform/db";
import { BatchMemo, enqueue, type Job } from "../../platform/job-queue";
import { readsLinkedCompany, timeRelativeKeys } from "../../crm";
import { evaluateSegment } from "./segment-membership";

/**
 * Keeping memberships current as records change. One changed record is
 * re-evaluated alone against its organization's segments; a burst of
 * changes (a CSV import, a bulk update) turns into one full evaluation per
 * segment instead of thousands of single ones. A full evaluation records
 * when it started (`evaluatedAt`), and any change that happened before that
 * is already in it, so its event is skipped.
 */
export const SEGMENT_EVALUATION_JOB = "segment-evaluation";

export interface SegmentEvaluationJob extends Job {
  type: typeof SEGMENT_EVALUATION_JOB;
  orgId: string;
  segmentId: string;
}

/** Changes of one kind of record within BURST_WINDOW that make a burst. */
const BURST_SIZE = 20;
const BURST_WINDOW = 5_000;
/** A pending marker older than this lost its job (the send failed): it no longer holds events back. */
const PENDING_TTL = 5 * 60_000;
/** Time-relative segments are recomputed at most this often. */
const RECENCY_INTERVAL = 60 * 60_000;
/** Segments recomputed per tick (every minute), the stalest first. */
const RECENCY_BATCH = 50;

const SEGMENT_ENTITY_SET = new Set<string>(["contact", "company", "lead"]);
const pendingKey = (segmentId: string) => `segment-evaluation:${segmentId}`;

/** Whether the event is one of many changes of its kind arriving together. */
async function inBurst(db: Db, event: DomainEvent): Promise<boolean> {
  const recent = await db.$count(
    automationEvents,
    and(
      eq(automationEvents.orgId, event.orgId),
      eq(automationEvents.entity, event.entity),
      gte(automationEvents.occurredAt, event.occurredAt - BURST_WINDOW),
      lt(automationEvents.occurredAt, event.occurredAt + BURST_WINDOW),
    ),
  );
  return recent >= BURST_SIZE;
}

/**
 * Asks for one full evaluation of the segment soon. The marker row is the
 * claim: while it exists a job is queued, so the burst's other events add
 * nothing; the job removes it before it starts, so a change after that start
 * asks again.
 */
export async function requestFullEvaluation(env: Env, segment: Segment): Promise<boolean> {
  const db = orgDb(env, segment.orgId);
  const now = Date.now();
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.orgId, segment.orgId), eq(idempotencyKeys.key, pendingKey(segment.id)), lt(idempotencyKeys.createdAt, now - PENDING_TTL)));
  const claimed = await db.insert(idempotencyKeys).values({ orgId: segment.orgId, key: pendingKey(segment.id), createdAt: now }).onConflictDoNothing().returning();
  if (claimed.length === 0) return false;
  const job: SegmentEvaluationJob = { type: SEGMENT_EVALUATION_JOB, orgId: segment.orgId, segmentId: segment.id };
  await enqueue(env, job, { delaySeconds: 1 });
  return true;
}

export async function runSegmentEvaluationJob(env: Env, job: SegmentEvaluationJob): Promise<void> {
  const db = orgDb(env, job.orgId);
  await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.orgId, job.orgId), eq(idempotencyKeys.key, pendingKey(job.segmentId))));
  const segment = await db.select().from(segments).where(and(eq(segments.orgId, job.orgId), eq(segments.id, job.segmentId))).get();
  if (segment) await evaluateSegment(env, segment, { kind: "all" });
}

/** The `segments` event consumer: idempotent, since membership is state and only real changes raise events. */
export async function onRecordEvent(env: Env, event: DomainEvent, batch = new BatchMemo()): Promise<void> {
  if (!SEGMENT_ENTITY_SET.has(event.entity) || !/\.(created|updated|deleted)$/.test(event.type)) return;
  const db = orgDb(env, event.orgId);
  const entity = event.entity as SegmentEntity;
  // Evaluations may move `evaluatedAt` during the batch: an older copy only means a redundant, idempotent single evaluation.
  const ofOrg = await batch.get(`segments:${event.orgId}`, () => db.select().from(segments).where(eq(segments.orgId, event.orgId)).all());
  const stale = (s: Segment) => (s.evaluatedAt ?? 0) < event.occurredAt;
  const own = ofOrg.filter((s) => s.entity === entity && stale(s));
  // A company's tags moved: the contacts of that company may move in or out of segments filtering on them.
  const linked = entity === "company" && event.type !== "company.created" ? ofOrg.filter((s) => readsLinkedCompany(s.entity, s.filter) && stale(s)) : [];
  if (own.length === 0 && linked.length === 0) return;
  const actor = event.actorId ? { userId: event.actorId, origin: event.origin ?? undefined } : null;
  const burst = await inBurst(db, event);
  for (const segment of own) {
    if (burst) await requestFullEvaluation(env, segment);
    else await evaluateSegment(env, segment, { kind: "record", id: event.entityId }, { actor, gone: event.type.endsWith(".deleted") ? event.record : undefined });
  }
  for (const segment of linked) {
    if (burst) await requestFullEvaluation(env, segment);
    else await evaluateSegment(env, segment, { kind: "company", id: event.entityId }, { actor });
  }
}

/**
 * The scheduled task: segments whose filter moves with the clock ("no
 * activity in 30 days") or with activities (which raise no record event) are
 * recomputed when their last full evaluation is an hour old.
 */
export async function segmentRecencyTask(env: Env, at: Date): Promise<void> {
  const keys = JSON.stringify(timeRelativeKeys());
  const due = await directoryDb(env)
    .select()
    .from(segments)
    .where(
      and(
        sql`EXISTS (SELECT 1 FROM json_each(${segments.filter}) WHERE json_each.key IN (SELECT value FROM json_each(${keys})))`,
        or(isNull(segments.evaluatedAt), lt(segments.evaluatedAt, at.getTime() - RECENCY_INTERVAL)),
      ),
    )
    .orderBy(asc(sql`coalesce(${segments.evaluatedAt}, 0)`))
    .limit(RECENCY_BATCH);
  for (const segment of due) await evaluateSegment(env, segment, { kind: "all" }, { now: at.getTime() });
}
