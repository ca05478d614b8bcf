import { publishCallChange } from "./call-domain-events";
import type { BatchItem } from "drizzle-orm/batch";
import { and, asc, eq, gte, inArray, lt, notInArray, or, sql, type SQL } from "drizzle-orm";
import type { Env } from "../platform/env";
import { ownRecordsOnly } from "../platform/access";
import type { Db } from "../platform/db";
import { notFound } from "../platform/errors";
import { newId } from "../platform/ids";
import { columnMatchExpression, searchTerms } from "../platform/fts-query";
import { containsPattern } from "../platform/like";
import { pageOf } from "../platform/list";
import { activities, callActivities, callQueues, calls, FINAL_CALL_STATUSES, type CallDirection, type CallStatus } from "../../schema";
import { announceAgentStatus, getAgentState, listAgentStates, setAgentStatus } from "../agents";
import { auditStatement } from "../platform/audit-writer";
import { publishEvent } from "../platform/room-rpc";
import { publicRecord, sortBy, type Actor } from "../platform/records";
import { partyNames } from "./call-matching";
import type { CallRow } from "../../schema";
import { callView } from "./call-view";
import { callAudience, waitingCount } from "./call-effects";
import { publishActivityChanged } from "../crm";

export const CALL_SORTS = ["startedAt", "durationSeconds", "ringSeconds", "talkSeconds"] as const;

export interface CallQuery {
  page: number;
  perPage: number;
  sort: (typeof CALL_SORTS)[number] | `-${(typeof CALL_SORTS)[number]}`;
  status?: CallStatus[];
  direction?: CallDirection;
  agentUserId?: string;
  queueId?: string;
  contactId?: string;
  leadId?: string;
  dealId?: string;
  providerId?: string;
  /** Epoch ms bounds on startedAt: [from, to). */
  from?: number;
  to?: number;
  /** A phone number fragment, matched against from and to, or words said in the call (its transcript). */
  q?: string;
  answered?: boolean;
}

/** Row-level access: agents restricted to their own records see the calls they handled. */
export const visibleCalls = (actor: Actor): SQL | undefined => (ownRecordsOnly(actor) ? eq(calls.agentUserId, actor.userId) : undefined);

/** Calls whose transcript (call_transcripts_fts, migrations/0012_ai.sql) has every word of `q`. */
function transcriptMatch(orgId: string, q: string): SQL | undefined {
  const terms = searchTerms(q);
  if (!terms.length) return undefined;
  return sql`${calls.id} IN (SELECT call_id FROM call_transcripts_fts WHERE call_transcripts_fts MATCH ${columnMatchExpression("text", terms)} AND org_id = ${orgId})`;
}

export async function listCalls(db: Db, orgId: string, actor: Actor, q: CallQuery) {
  const digits = q.q?.replace(/[^\d+]/g, "");
  const pattern = q.q ? containsPattern(digits || q.q) : undefined;
  const { rows, total } = await pageOf<CallRow>(
    db,
    calls,
    [
      eq(calls.orgId, orgId),
      visibleCalls(actor),
      q.status?.length ? inArray(calls.status, q.status) : undefined,
      q.direction ? eq(calls.direction, q.direction) : undefined,
      q.agentUserId ? eq(calls.agentUserId, q.agentUserId) : undefined,
      q.queueId ? eq(calls.queueId, q.queueId) : undefined,
      q.contactId ? eq(calls.contactId, q.contactId) : undefined,
      q.leadId ? eq(calls.leadId, q.leadId) : undefined,
      q.dealId ? eq(calls.dealId, q.dealId) : undefined,
      q.providerId ? eq(calls.providerId, q.providerId) : undefined,
      q.from !== undefined ? gte(calls.startedAt, q.from) : undefined,
      q.to !== undefined ? lt(calls.startedAt, q.to) : undefined,
      q.answered === undefined ? undefined : q.answered ? sql`${calls.answeredAt} IS NOT NULL` : sql`${calls.answeredAt} IS NULL`,
      pattern ? or(sql`${calls.fromNumber} LIKE ${pattern} ESCAPE '\\'`, sql`${calls.toNumber} LIKE ${pattern} ESCAPE '\\'`, transcriptMatch(orgId, q.q!)) : undefined,
    ],
    sortBy(q.sort, { startedAt: calls.startedAt, durationSeconds: calls.durationSeconds, ringSeconds: calls.ringSeconds, talkSeconds: calls.talkSeconds }, calls.id),
    q.page,
    q.perPage,
  );
  const names = await partyNames(db, orgId, rows);
  return { rows: rows.map((r) => callView(r, names)), total };
}

export async function requireCall(db: Db, orgId: string, actor: Actor, id: string): Promise<CallRow> {
  const row = await db.select().from(calls).where(and(eq(calls.orgId, orgId), eq(calls.id, id), visibleCalls(actor))).get();
  if (!row) throw notFound("Call");
  return row;
}

/** One call with its timeline, oldest event first. */
export async function getCall(db: Db, orgId: string, actor: Actor, id: string) {
  const call = await requireCall(db, orgId, actor, id);
  const timeline = await db
    .select({ id: callActivities.id, type: callActivities.type, at: callActivities.at, actorId: callActivities.actorId, data: callActivities.data })
    .from(callActivities)
    .where(and(eq(callActivities.orgId, orgId), eq(callActivities.callId, id)))
    .orderBy(asc(callActivities.at), asc(callActivities.id));
  return { ...callView(call, await partyNames(db, orgId, [call])), timeline };
}

export interface WrapUpInput {
  notes?: string | null;
  disposition?: string | null;
}

/**
 * The agent's wrap-up: notes and disposition. The first wrap-up after the
 * call ended measures the wrap-up time, ends the agent's wrap_up state and
 * adds both to the call's activity on the contact's timeline.
 */
export async function wrapUpCall(env: Pick<Env, "ORG_ROOM" | "JOBS">, db: Db, orgId: string, actor: Actor, id: string, input: WrapUpInput) {
  const call = await requireCall(db, orgId, actor, id);
  const now = Date.now();
  const values: Partial<CallRow> = { updatedAt: now };
  if (input.notes !== undefined) values.notes = input.notes?.trim() || null;
  if (input.disposition !== undefined) values.disposition = input.disposition?.trim() || null;
  const firstWrapUp = call.endedAt !== null && call.wrappedUpAt === null;
  if (firstWrapUp) {
    values.wrappedUpAt = now;
    values.wrapUpSeconds = Math.max(0, Math.round((now - call.endedAt!) / 1000));
  }
  const after = { ...call, ...values };
  const summary = [after.disposition ? `Disposition: ${after.disposition}` : null, after.notes ? `Notes: ${after.notes}` : null].filter(Boolean).join("\n");
  const stmts: BatchItem<"sqlite">[] = [
    db.update(calls).set({ ...values, version: sql`${calls.version} + 1` }).where(and(eq(calls.orgId, orgId), eq(calls.id, id))),
    db.insert(callActivities).values({
      id: newId(),
      orgId,
      callId: id,
      type: input.disposition !== undefined ? "disposition" : "note",
      at: now,
      eventId: null,
      actorId: actor.userId,
      data: { notes: values.notes, disposition: values.disposition },
      createdAt: now,
    }),
    auditStatement(db, orgId, { actorId: actor.userId, action: "wrap_up", entity: "call", entityId: id, changes: { notes: values.notes, disposition: values.disposition }, requestId: actor.requestId }),
  ];
  if (call.activityId && summary) {
    // The activity's body is the call summary; the wrap-up replaces what follows it.
    const activity = await db.select({ body: activities.body }).from(activities).where(and(eq(activities.orgId, orgId), eq(activities.id, call.activityId))).get();
    if (activity) {
      const base = (activity.body ?? "").split("\n\n")[0];
      stmts.push(db.update(activities).set({ body: `${base}\n\n${summary}`, updatedAt: now }).where(and(eq(activities.orgId, orgId), eq(activities.id, call.activityId))));
    }
  }
  await db.batch(stmts as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  if (firstWrapUp && call.agentUserId) {
    const agentId = call.agentUserId;
    try {
      const current = await getAgentState(db, orgId, agentId);
      if (current.status === "wrap_up") {
        const { state, changed } = await setAgentStatus(db, orgId, agentId, { status: "available", source: "system", actorId: actor.userId, requestId: actor.requestId, at: now });
        if (changed) await announceAgentStatus(env, orgId, state);
      }
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", msg: "wrap-up agent status failed", orgId, err: String(err) }));
    }
  }
  const view = await getCall(db, orgId, actor, id);
  await publishCallChange(env, db, orgId, { before: call, after: { ...after, version: call.version + 1 }, created: false, ended: false }, actor);
  try {
    const { timeline: _t, ...callOnly } = view;
    const { userIds } = await callAudience(db, orgId, call.agentUserId);
    await publishEvent(env, orgId, "call_updated", { call: callOnly, event: "wrap_up" }, userIds);
    if (call.activityId && summary) {
      const activity = await db.select().from(activities).where(and(eq(activities.orgId, orgId), eq(activities.id, call.activityId))).get();
      if (activity) await publishActivityChanged(env, db, orgId, actor, "updated", publicRecord(activity));
    }
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "call event failed", orgId, err: String(err) }));
  }
  return view;
}

/** Calls older than this that never ended are stale (a lost final callback), not live. */
const LIVE_WINDOW_MS = 12 * 3600_000;

/** The live board: calls in progress, callers waiting per queue, every agent's state. */
export async function liveSnapshot(db: Db, orgId: string, actor: Actor) {
  const now = Date.now();
  const active = await db
    .select()
    .from(calls)
    .where(and(eq(calls.orgId, orgId), visibleCalls(actor), notInArray(calls.status, [...FINAL_CALL_STATUSES]), gte(calls.startedAt, now - LIVE_WINDOW_MS)))
    .orderBy(asc(calls.startedAt))
    .limit(500);
  const names = await partyNames(db, orgId, active);
  const queues = await db.select({ id: callQueues.id, name: callQueues.name, strategy: callQueues.strategy }).from(callQueues).where(eq(callQueues.orgId, orgId)).orderBy(asc(callQueues.name));
  const queueStates = await Promise.all(
    queues.map(async (q) => {
      const waiting = active.filter((c) => c.queueId === q.id && c.answeredAt === null);
      const oldest = waiting.reduce<number | null>((min, c) => (min === null ? c.startedAt : Math.min(min, c.startedAt)), null);
      return {
        ...q,
        waiting: ownRecordsOnly(actor) ? waiting.length : await waitingCount(db, orgId, q.id),
        longestWaitSeconds: oldest === null ? 0 : Math.round((now - oldest) / 1000),
      };
    }),
  );
  const agents = (await listAgentStates(db, orgId))
    .filter((a) => a.role !== "viewer")
    .map((a) => ({ ...a, activeCallId: active.find((c) => c.agentUserId === a.userId)?.id ?? null }));
  return { at: now, activeCalls: active.map((c) => callView(c, names)), queues: queueStates, agents };
}
