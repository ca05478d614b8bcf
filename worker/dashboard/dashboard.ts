/**
 * The sales and service cockpit: one read of what a member should look at
 * today, each number under the same row-level access as the list it links
 * to. Money is never converted: every amount is per currency.
 */
import { and, asc, eq, gte, inArray, isNull, lt, lte, sql } from "drizzle-orm";
import { activities, calls, forecastTargets, OPEN_TICKET_STATUSES, supportTickets } from "../../schema";
import type { AuthContext } from "../platform/env";
import type { Db } from "../platform/db";
import { localParts, localToInstant, orgTimeZone, localDateOf } from "../platform/local-time";
import { visibleRecordIds } from "../platform/record-audience";
import { listPipelines } from "../crm";
import { forecastFor, scopeOf } from "../forecast";
import { listInbox, type InsightView } from "../insights";

/** Win rate and cycle time look at deals closed within this many days. */
export const CLOSED_WINDOW_DAYS = 90;
/** "Breaching soon": an SLA target due within this many hours (or already due and not yet flagged). */
export const BREACH_SOON_HOURS = 4;

const DAY_MS = 86_400_000;

export interface Dashboard {
  timeZone: string;
  today: string;
  period: string;
  nextPeriod: string;
  pipeline: { currency: string; count: number; value: number; weighted: number }[];
  won: { currency: string; count: number; amount: number; target: number | null; attainment: number | null }[];
  winRate: { won: number; lost: number; rate: number | null; windowDays: number };
  cycleTime: { averageDays: number | null; deals: number; windowDays: number };
  forecast: { period: string; currency: string; weighted: number; commit: number; bestCase: number; closedWon: number }[];
  tasks: { dueToday: number; overdue: number; items: { id: string; subject: string; dueAt: number; dealId: string | null; contactId: string | null; leadId: string | null; overdue: boolean }[] };
  tickets: { breachingSoon: number; items: { id: string; number: number; subject: string; priority: string; slaDueAt: number }[] };
  calls: { today: number; answered: number; missed: number; inbound: number; outbound: number };
  insights: { open: number; items: InsightView[] };
}

const cents = (n: number) => Math.round(n * 100) / 100;

/** Local midnight of today and of tomorrow in the time zone, as instants. */
function dayBounds(now: number, timeZone: string) {
  const p = localParts(now, timeZone);
  const start = localToInstant(p.year, p.month, p.day, 0, timeZone);
  const next = new Date(Date.UTC(p.year, p.month - 1, p.day + 1));
  const end = localToInstant(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, timeZone);
  return { start, end };
}

function monthKeys(today: string) {
  const [y, m] = today.split("-").map(Number) as [number, number];
  const next = m === 12 ? { y: y + 1, m: 1 } : { y, m: m + 1 };
  return { period: `${y}-${String(m).padStart(2, "0")}`, nextPeriod: `${next.y}-${String(next.m).padStart(2, "0")}` };
}

/** Open deals by currency, valued at the stage probabilities the forecast uses (learned where there is enough history). */
async function pipelineAndForecast(db: Db, auth: AuthContext, period: string, nextPeriod: string, now: number) {
  const scope = scopeOf(auth);
  const pipelines = await listPipelines(db, auth.orgId);
  const forecasts = await Promise.all(
    pipelines.map((p) => forecastFor(db, scope, { pipelineId: p.id, from: `${period}-01`, to: lastDayOf(nextPeriod), interval: "month", groupBy: "none" }, now)),
  );
  const probability = new Map(forecasts.flatMap((f) => f.stages.map((s) => [s.stageId, s.effective] as const)));
  const open = await db.all<{ stageId: string; currency: string; count: number; value: number }>(sql`
    SELECT stage_id AS stageId, currency, COUNT(*) AS count, SUM(amount) AS value FROM deals
    WHERE org_id = ${auth.orgId} AND status = 'open' AND id IN (${visibleRecordIds("deal", auth.orgId, auth)})
    GROUP BY stage_id, currency`);
  const pipeline = new Map<string, { currency: string; count: number; value: number; weighted: number }>();
  for (const r of open) {
    const row = pipeline.get(r.currency) ?? { currency: r.currency, count: 0, value: 0, weighted: 0 };
    row.count += r.count;
    row.value += r.value;
    row.weighted += (r.value * (probability.get(r.stageId) ?? 0)) / 100;
    pipeline.set(r.currency, row);
  }
  const forecast = new Map<string, Dashboard["forecast"][number]>();
  for (const row of forecasts.flatMap((f) => f.rows)) {
    const key = `${row.period}|${row.currency}`;
    const sum = forecast.get(key) ?? { period: row.period, currency: row.currency, weighted: 0, commit: 0, bestCase: 0, closedWon: 0 };
    sum.weighted += row.weighted;
    sum.commit += row.commit;
    sum.bestCase += row.bestCase;
    sum.closedWon += row.closedWon;
    forecast.set(key, sum);
  }
  return {
    pipeline: [...pipeline.values()].map((r) => ({ ...r, value: cents(r.value), weighted: cents(r.weighted) })).sort((a, b) => a.currency.localeCompare(b.currency)),
    forecast: [...forecast.values()]
      .map((r) => ({ ...r, weighted: cents(r.weighted), commit: cents(r.commit), bestCase: cents(r.bestCase), closedWon: cents(r.closedWon) }))
      .sort((a, b) => a.period.localeCompare(b.period) || a.currency.localeCompare(b.currency)),
  };
}

function lastDayOf(period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * When each visible closed deal closed: the history row that gave it its
 * final status (D1 triggers keep it), else its last update.
 */
const CLOSED_AT = sql`coalesce((
  SELECT MAX(h.at) FROM deal_stage_history h
  WHERE h.org_id = d.org_id AND h.deal_id = d.id AND h.to_status = d.status AND (h.from_status IS NULL OR h.from_status <> d.status)
), d.updated_at)`;

/** Won this month (by the day it was won, in the organization's time zone) against the targets, plus win rate and cycle time. */
async function outcomes(db: Db, auth: AuthContext, period: string, timeZone: string, now: number) {
  const since = now - CLOSED_WINDOW_DAYS * DAY_MS;
  const rows = await db.all<{ status: "won" | "lost"; currency: string; amount: number; createdAt: number; closedAt: number; closeDate: string | null }>(sql`
    SELECT status, currency, amount, created_at AS createdAt, close_date AS closeDate, ${CLOSED_AT} AS closedAt FROM deals d
    WHERE d.org_id = ${auth.orgId} AND d.status IN ('won', 'lost') AND d.id IN (${visibleRecordIds("deal", auth.orgId, auth)})
      AND (${CLOSED_AT} >= ${since - 31 * DAY_MS} OR d.close_date >= ${`${period}-01`})`);
  const won = new Map<string, { currency: string; count: number; amount: number }>();
  let wonRecent = 0;
  let lostRecent = 0;
  let cycleSum = 0;
  for (const r of rows) {
    const wonDay = r.closeDate ?? localDateOf(r.closedAt, timeZone);
    if (r.status === "won" && wonDay.startsWith(period)) {
      const row = won.get(r.currency) ?? { currency: r.currency, count: 0, amount: 0 };
      row.count++;
      row.amount += r.amount;
      won.set(r.currency, row);
    }
    if (r.closedAt < since) continue;
    if (r.status === "won") {
      wonRecent++;
      cycleSum += Math.max(0, r.closedAt - r.createdAt);
    } else lostRecent++;
  }
  const targets = await db
    .select({ currency: forecastTargets.currency, amount: sql<number>`SUM(${forecastTargets.amount})` })
    .from(forecastTargets)
    .where(and(eq(forecastTargets.orgId, auth.orgId), eq(forecastTargets.period, period), scopeOf(auth).onlyOwnerId ? eq(forecastTargets.ownerId, auth.userId) : undefined))
    .groupBy(forecastTargets.currency);
  const targetOf = new Map(targets.map((t) => [t.currency, t.amount]));
  const currencies = [...new Set([...won.keys(), ...targetOf.keys()])].sort();
  return {
    won: currencies.map((currency) => {
      const w = won.get(currency);
      const target = targetOf.get(currency) ?? null;
      const amount = cents(w?.amount ?? 0);
      return { currency, count: w?.count ?? 0, amount, target, attainment: target && target > 0 ? Math.round((amount / target) * 1000) / 1000 : null };
    }),
    winRate: { won: wonRecent, lost: lostRecent, rate: wonRecent + lostRecent ? Math.round((wonRecent / (wonRecent + lostRecent)) * 1000) / 1000 : null, windowDays: CLOSED_WINDOW_DAYS },
    cycleTime: { averageDays: wonRecent ? Math.round((cycleSum / wonRecent / DAY_MS) * 10) / 10 : null, deals: wonRecent, windowDays: CLOSED_WINDOW_DAYS },
  };
}

/** The caller's own open tasks due today, and how many are overdue. */
async function myTasks(db: Db, auth: AuthContext, day: { start: number; end: number }) {
  const mine = and(eq(activities.orgId, auth.orgId), eq(activities.ownerId, auth.userId), eq(activities.type, "task"), isNull(activities.doneAt));
  const [items, [counts]] = await Promise.all([
    db
      .select({ id: activities.id, subject: activities.subject, dueAt: activities.dueAt, dealId: activities.dealId, contactId: activities.contactId, leadId: activities.leadId })
      .from(activities)
      .where(and(mine, lt(activities.dueAt, day.end)))
      .orderBy(asc(activities.dueAt), asc(activities.id))
      .limit(8),
    db
      .select({
        dueToday: sql<number>`coalesce(sum(CASE WHEN ${activities.dueAt} >= ${day.start} THEN 1 ELSE 0 END), 0)`,
        overdue: sql<number>`coalesce(sum(CASE WHEN ${activities.dueAt} < ${day.start} THEN 1 ELSE 0 END), 0)`,
      })
      .from(activities)
      .where(and(mine, lt(activities.dueAt, day.end))),
  ]);
  return {
    dueToday: counts?.dueToday ?? 0,
    overdue: counts?.overdue ?? 0,
    items: items.map((t) => ({ ...t, dueAt: t.dueAt!, overdue: t.dueAt! < day.start })),
  };
}

async function breachingTickets(db: Db, auth: AuthContext, now: number) {
  const soon = and(
    eq(supportTickets.orgId, auth.orgId),
    inArray(supportTickets.status, [...OPEN_TICKET_STATUSES]),
    isNull(supportTickets.slaPausedAt),
    lte(supportTickets.slaDueAt, now + BREACH_SOON_HOURS * 3600_000),
    sql`${supportTickets.id} IN (${visibleRecordIds("ticket", auth.orgId, auth)})`,
  );
  const [items, [count]] = await Promise.all([
    db
      .select({ id: supportTickets.id, number: supportTickets.number, subject: supportTickets.subject, priority: supportTickets.priority, slaDueAt: supportTickets.slaDueAt })
      .from(supportTickets)
      .where(soon)
      .orderBy(asc(supportTickets.slaDueAt), asc(supportTickets.id))
      .limit(6),
    db.select({ n: sql<number>`count(*)` }).from(supportTickets).where(soon),
  ]);
  return { breachingSoon: count?.n ?? 0, items: items.map((t) => ({ ...t, slaDueAt: t.slaDueAt! })) };
}

async function callsToday(db: Db, auth: AuthContext, day: { start: number; end: number }) {
  const [row] = await db
    .select({
      today: sql<number>`count(*)`,
      answered: sql<number>`coalesce(sum(CASE WHEN ${calls.answeredAt} IS NOT NULL THEN 1 ELSE 0 END), 0)`,
      inbound: sql<number>`coalesce(sum(CASE WHEN ${calls.direction} = 'inbound' THEN 1 ELSE 0 END), 0)`,
      missed: sql<number>`coalesce(sum(CASE WHEN ${calls.direction} = 'inbound' AND ${calls.answeredAt} IS NULL AND ${calls.endedAt} IS NOT NULL THEN 1 ELSE 0 END), 0)`,
    })
    .from(calls)
    .where(and(eq(calls.orgId, auth.orgId), gte(calls.startedAt, day.start), lt(calls.startedAt, day.end), sql`${calls.id} IN (${visibleRecordIds("call", auth.orgId, auth)})`));
  const today = row?.today ?? 0;
  return { today, answered: row?.answered ?? 0, missed: row?.missed ?? 0, inbound: row?.inbound ?? 0, outbound: today - (row?.inbound ?? 0) };
}

export async function dashboardFor(db: Db, auth: AuthContext, now = Date.now()): Promise<Dashboard> {
  const timeZone = await orgTimeZone(db, auth.orgId);
  const today = localDateOf(now, timeZone);
  const { period, nextPeriod } = monthKeys(today);
  const day = dayBounds(now, timeZone);
  const [money, closed, tasks, tickets, callCounts, inbox] = await Promise.all([
    pipelineAndForecast(db, auth, period, nextPeriod, now),
    outcomes(db, auth, period, timeZone, now),
    myTasks(db, auth, day),
    breachingTickets(db, auth, now),
    callsToday(db, auth, day),
    listInbox(db, auth.orgId, auth, { page: 1, perPage: 5, now }),
  ]);
  return {
    timeZone,
    today,
    period,
    nextPeriod,
    pipeline: money.pipeline,
    won: closed.won,
    winRate: closed.winRate,
    cycleTime: closed.cycleTime,
    forecast: money.forecast,
    tasks,
    tickets,
    calls: callCounts,
    insights: { open: inbox.total, items: inbox.rows },
  };
}
