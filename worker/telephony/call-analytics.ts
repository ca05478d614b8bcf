import { and, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { ownRecordsOnly } from "../platform/access";
import type { Db } from "../platform/db";
import { callQueues, calls, users } from "../../schema";
import type { Actor } from "../platform/records";
import { localHour } from "./time-range";

/**
 * Call center analytics over [from, to): volume, answered vs missed, average
 * wait (ring), talk and handle time (talk + hold + wrap-up), in total and by
 * agent, queue or hour of day in the organization's time zone. D1 aggregates;
 * only the per-bucket sums travel back.
 */

export const ANALYTICS_GROUPS = ["agent", "queue", "hour"] as const;
export type AnalyticsGroup = (typeof ANALYTICS_GROUPS)[number];

/** Sums per group, from which the averages are derived (so buckets can be merged exactly). */
interface Sums {
  total: number;
  answered: number;
  missed: number;
  inbound: number;
  outbound: number;
  waitSum: number;
  waitCount: number;
  talkSum: number;
  holdSum: number;
  wrapUpSum: number;
}

const sums = {
  total: sql<number>`count(*)`,
  answered: sql<number>`coalesce(sum(CASE WHEN ${calls.answeredAt} IS NOT NULL THEN 1 ELSE 0 END), 0)`,
  missed: sql<number>`coalesce(sum(CASE WHEN ${calls.answeredAt} IS NULL AND ${calls.endedAt} IS NOT NULL THEN 1 ELSE 0 END), 0)`,
  inbound: sql<number>`coalesce(sum(CASE WHEN ${calls.direction} = 'inbound' THEN 1 ELSE 0 END), 0)`,
  outbound: sql<number>`coalesce(sum(CASE WHEN ${calls.direction} = 'outbound' THEN 1 ELSE 0 END), 0)`,
  // Wait counts once it is known: the call was answered or ended.
  waitSum: sql<number>`coalesce(sum(CASE WHEN ${calls.answeredAt} IS NOT NULL OR ${calls.endedAt} IS NOT NULL THEN ${calls.ringSeconds} ELSE 0 END), 0)`,
  waitCount: sql<number>`coalesce(sum(CASE WHEN ${calls.answeredAt} IS NOT NULL OR ${calls.endedAt} IS NOT NULL THEN 1 ELSE 0 END), 0)`,
  talkSum: sql<number>`coalesce(sum(CASE WHEN ${calls.answeredAt} IS NOT NULL THEN ${calls.talkSeconds} ELSE 0 END), 0)`,
  holdSum: sql<number>`coalesce(sum(CASE WHEN ${calls.answeredAt} IS NOT NULL THEN ${calls.holdSeconds} ELSE 0 END), 0)`,
  wrapUpSum: sql<number>`coalesce(sum(CASE WHEN ${calls.answeredAt} IS NOT NULL THEN coalesce(${calls.wrapUpSeconds}, 0) ELSE 0 END), 0)`,
};

const avg = (sum: number, n: number) => (n > 0 ? Math.round((sum / n) * 10) / 10 : 0);

function metrics(s: Sums) {
  return {
    total: s.total,
    answered: s.answered,
    missed: s.missed,
    inbound: s.inbound,
    outbound: s.outbound,
    answerRate: s.total > 0 ? Math.round((s.answered / s.total) * 1000) / 1000 : 0,
    avgWaitSeconds: avg(s.waitSum, s.waitCount),
    avgTalkSeconds: avg(s.talkSum, s.answered),
    avgHoldSeconds: avg(s.holdSum, s.answered),
    avgHandleSeconds: avg(s.talkSum + s.holdSum + s.wrapUpSum, s.answered),
    totalTalkSeconds: s.talkSum,
  };
}

const toSums = (r: Record<string, unknown>): Sums =>
  Object.fromEntries(Object.keys(sums).map((k) => [k, Number(r[k] ?? 0)])) as unknown as Sums;

function add(a: Sums, b: Sums): Sums {
  const out = { ...a };
  for (const k of Object.keys(sums) as (keyof Sums)[]) out[k] += b[k];
  return out;
}

const EMPTY: Sums = { total: 0, answered: 0, missed: 0, inbound: 0, outbound: 0, waitSum: 0, waitCount: 0, talkSum: 0, holdSum: 0, wrapUpSum: 0 };

/** 15-minute buckets: every zone's offset is a multiple of 15 minutes, so each bucket lies in one local hour. */
const BUCKET_MS = 15 * 60_000;

export interface AnalyticsQuery {
  from: number;
  to: number;
  groupBy?: AnalyticsGroup;
  timeZone: string;
}

export async function callAnalytics(db: Db, orgId: string, actor: Actor, q: AnalyticsQuery) {
  const where = and(
    eq(calls.orgId, orgId),
    gte(calls.startedAt, q.from),
    lt(calls.startedAt, q.to),
    ownRecordsOnly(actor) ? eq(calls.agentUserId, actor.userId) : undefined,
  ) as SQL;
  const [totalRow] = await db.select(sums).from(calls).where(where);
  const totals = metrics(toSums(totalRow ?? {}));
  const base = { from: q.from, to: q.to, timeZone: q.timeZone, totals };
  if (!q.groupBy) return { ...base, groupBy: null, groups: [] };

  if (q.groupBy === "hour") {
    const bucket = sql<number>`${calls.startedAt} / ${BUCKET_MS}`;
    const rows = await db.select({ bucket, ...sums }).from(calls).where(where).groupBy(bucket);
    const hours: Sums[] = Array.from({ length: 24 }, () => ({ ...EMPTY }));
    for (const r of rows) {
      const h = localHour(Number(r.bucket) * BUCKET_MS, q.timeZone);
      hours[h] = add(hours[h]!, toSums(r));
    }
    return { ...base, groupBy: "hour" as const, groups: hours.map((s, hour) => ({ key: String(hour), hour, label: `${String(hour).padStart(2, "0")}:00`, ...metrics(s) })) };
  }

  const column = q.groupBy === "agent" ? calls.agentUserId : calls.queueId;
  const rows = await db.select({ key: column, ...sums }).from(calls).where(where).groupBy(column);
  const ids = rows.map((r) => r.key).filter((k): k is string => !!k);
  const labels = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const named =
      q.groupBy === "agent"
        ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, chunk))
        : await db.select({ id: callQueues.id, name: callQueues.name }).from(callQueues).where(and(eq(callQueues.orgId, orgId), inArray(callQueues.id, chunk)));
    for (const n of named) labels.set(n.id, n.name);
  }
  const groups = rows
    .map((r) => ({ key: r.key ?? null, label: r.key ? (labels.get(r.key) ?? r.key) : q.groupBy === "agent" ? "No agent" : "No queue", ...metrics(toSums(r)) }))
    .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
  return { ...base, groupBy: q.groupBy, groups };
}
