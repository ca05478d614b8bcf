/**
 * The forecast of one pipeline: open and won deals placed in periods of the
 * organization's calendar, weighted by learned (or configured) stage
 * probabilities, against the owners' targets. Row-level access applies: an
 * agent restricted to their own records is forecast on their deals only.
 */
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { forecastTargets, memberships, users } from "../../schema";
import { ownRecordsOnly } from "../platform/access";
import type { Db } from "../platform/db";
import type { AuthContext } from "../platform/env";
import { invalid } from "../platform/errors";
import { orgTimeZone } from "../platform/local-time";
import { requirePipeline } from "../crm";
import { bucketForecast, COMMIT_THRESHOLD, contribution, type BucketContext, type ForecastDeal, type ForecastRow, type Measure, type TargetRow } from "./forecast-buckets";
import { localToday, periodBounds, periodOf, periodsBetween, shiftPeriod, type Interval, type Period } from "./forecast-periods";
import { MIN_LEARNING_SAMPLE, stageProbabilities, type StageProbability } from "./stage-probabilities";

/** Who is asking: the whole organization (snapshots), or a member under row-level access. */
export interface ForecastScope {
  orgId: string;
  /** Set when only this owner's deals and targets may be read. */
  onlyOwnerId: string | null;
}

export const scopeOf = (auth: AuthContext): ForecastScope => ({ orgId: auth.orgId, onlyOwnerId: ownRecordsOnly(auth) ? auth.userId : null });

/** At most this many periods per request (five years of months). */
export const MAX_PERIODS = 60;

export interface ForecastQuery {
  pipelineId: string;
  from?: string;
  to?: string;
  interval: Interval;
  groupBy: "owner" | "none";
}

interface Frame {
  timeZone: string;
  today: string;
  periods: Period[];
  from: string;
  to: string;
}

/** Defaults: the period holding today and the two after it. */
function frame(q: { from?: string; to?: string; interval: Interval }, timeZone: string, now: number): Frame {
  const today = localToday(now, timeZone);
  const current = periodOf(today, q.interval);
  const from = q.from ?? periodBounds(current)!.start;
  const to = q.to ?? periodBounds(shiftPeriod(current, 2))!.end;
  if (from > to) throw invalid({ to: ["Must be on or after `from`"] });
  const periods = periodsBetween(from, to, q.interval);
  if (periods.length > MAX_PERIODS) throw invalid({ to: [`At most ${MAX_PERIODS} periods at once`] });
  return { timeZone, today, periods, from: periods[0]!.start, to: periods.at(-1)!.end };
}

/** A won deal with no close date counts on the day the history row that made it won was written. */
const WON_AT = sql<number | null>`CASE WHEN d.status = 'won' AND d.close_date IS NULL THEN (
  SELECT MAX(h.at) FROM deal_stage_history h
  WHERE h.org_id = d.org_id AND h.deal_id = d.id AND h.to_status = 'won' AND (h.from_status IS NULL OR h.from_status <> 'won')
) END`;

const DAY_MS = 86_400_000;

/** Undated won deals within a day either side of the range; their local date decides in `contribution`. */
const inWonWindow = (f: Frame) => {
  const earliest = Date.parse(f.from) - DAY_MS;
  const latest = Date.parse(f.to) + 2 * DAY_MS;
  return (d: ForecastDeal) => d.wonAt !== null && d.wonAt >= earliest && d.wonAt < latest;
};

async function loadDeals(db: Db, scope: ForecastScope, pipelineId: string, f: Frame, ownerId?: string | null): Promise<ForecastDeal[]> {
  const owner: SQL = scope.onlyOwnerId ? sql` AND d.owner_id = ${scope.onlyOwnerId}` : sql``;
  const pick: SQL = ownerId === undefined ? sql`` : ownerId === null ? sql` AND d.owner_id IS NULL` : sql` AND d.owner_id = ${ownerId}`;
  const rows = await db.all<ForecastDeal>(sql`
    SELECT d.id, d.title, d.owner_id AS ownerId, d.currency, d.amount, d.stage_id AS stageId, d.status, d.close_date AS closeDate, ${WON_AT} AS wonAt
    FROM deals d
    WHERE d.org_id = ${scope.orgId} AND d.pipeline_id = ${pipelineId}${owner}${pick}
      AND ((d.status = 'open' AND d.close_date BETWEEN ${f.from} AND ${f.to})
        OR (d.status = 'won' AND (d.close_date BETWEEN ${f.from} AND ${f.to} OR d.close_date IS NULL)))`);
  return rows.filter((d) => d.closeDate !== null || inWonWindow(f)(d));
}

/**
 * The forecast's deals summed in SQL per period, slipped or not, owner,
 * currency, stage and status, so 20,000 deals come back as a few hundred
 * rows: every measure is a sum of amounts, so a group adds what its deals
 * would one by one. Its earliest close date stands for the group's period and
 * slipped flag. Undated won deals come back one by one (their day needs the
 * zone).
 */
async function loadDealGroups(db: Db, scope: ForecastScope, pipelineId: string, f: Frame, interval: Interval): Promise<ForecastDeal[]> {
  const owner: SQL = scope.onlyOwnerId ? sql` AND d.owner_id = ${scope.onlyOwnerId}` : sql``;
  const period =
    interval === "month"
      ? sql`substr(d.close_date, 1, 7)`
      : sql`substr(d.close_date, 1, 4) || '-Q' || ((CAST(substr(d.close_date, 6, 2) AS INTEGER) + 2) / 3)`;
  const [groups, undatedWon] = await Promise.all([
    db.all<ForecastDeal>(sql`
      SELECT '' AS id, '' AS title, d.owner_id AS ownerId, d.currency, SUM(d.amount) AS amount, d.stage_id AS stageId, d.status,
        MIN(d.close_date) AS closeDate, NULL AS wonAt, COUNT(*) AS count
      FROM deals d
      WHERE d.org_id = ${scope.orgId} AND d.pipeline_id = ${pipelineId}${owner}
        AND d.status IN ('open', 'won') AND d.close_date BETWEEN ${f.from} AND ${f.to}
      GROUP BY ${period}, d.close_date < ${f.today}, d.owner_id, d.currency, d.stage_id, d.status`),
    db.all<ForecastDeal>(sql`
      SELECT d.id, d.title, d.owner_id AS ownerId, d.currency, d.amount, d.stage_id AS stageId, d.status, d.close_date AS closeDate, ${WON_AT} AS wonAt
      FROM deals d
      WHERE d.org_id = ${scope.orgId} AND d.pipeline_id = ${pipelineId}${owner} AND d.status = 'won' AND d.close_date IS NULL`),
  ]);
  return [...groups, ...undatedWon.filter(inWonWindow(f))];
}

async function loadTargets(db: Db, scope: ForecastScope, periods: Period[]): Promise<TargetRow[]> {
  const conditions = [eq(forecastTargets.orgId, scope.orgId), inArray(forecastTargets.period, periods.map((p) => p.key))];
  if (scope.onlyOwnerId) conditions.push(eq(forecastTargets.ownerId, scope.onlyOwnerId));
  return db
    .select({ ownerId: forecastTargets.ownerId, period: forecastTargets.period, currency: forecastTargets.currency, amount: forecastTargets.amount })
    .from(forecastTargets)
    .where(and(...conditions));
}

/** Names of the organization's members among `ids` (former members keep their id and show without a name). */
async function ownerNames(db: Db, orgId: string, ids: string[]): Promise<{ id: string; name: string }[]> {
  if (ids.length === 0) return [];
  return db
    .select({ id: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), inArray(memberships.userId, ids)))
    .orderBy(users.name);
}

export interface Forecast {
  pipelineId: string;
  interval: Interval;
  groupBy: "owner" | "none";
  timeZone: string;
  today: string;
  from: string;
  to: string;
  commitThreshold: number;
  /** Closed deals through a stage before its learned probability is used. */
  minSample: number;
  periods: Period[];
  stages: StageProbability[];
  rows: ForecastRow[];
  owners: { id: string; name: string }[];
  /** Open deals without a close date: in no period, counted here so they are not silently lost. */
  undated: { currency: string; count: number; amount: number }[];
}

async function context(db: Db, scope: ForecastScope, pipelineId: string, q: { from?: string; to?: string; interval: Interval }, now: number) {
  const [pipeline, timeZone] = await Promise.all([requirePipeline(db, scope.orgId, pipelineId), orgTimeZone(db, scope.orgId)]);
  const f = frame(q, timeZone, now);
  const stages = await stageProbabilities(db, scope.orgId, pipeline);
  const ctx: BucketContext = { interval: q.interval, timeZone, today: f.today, probability: new Map(stages.map((s) => [s.stageId, s.effective])) };
  return { f, stages, ctx };
}

async function undatedOpen(db: Db, scope: ForecastScope, pipelineId: string) {
  const owner: SQL = scope.onlyOwnerId ? sql` AND owner_id = ${scope.onlyOwnerId}` : sql``;
  return db.all<{ currency: string; count: number; amount: number }>(sql`
    SELECT currency, COUNT(*) AS count, SUM(amount) AS amount FROM deals
    WHERE org_id = ${scope.orgId} AND pipeline_id = ${pipelineId} AND status = 'open' AND close_date IS NULL${owner}
    GROUP BY currency ORDER BY currency`);
}

export async function forecastFor(db: Db, scope: ForecastScope, q: ForecastQuery, now = Date.now()): Promise<Forecast> {
  const { f, stages, ctx } = await context(db, scope, q.pipelineId, q, now);
  const [dealList, targetList, undated] = await Promise.all([
    loadDealGroups(db, scope, q.pipelineId, f, q.interval),
    loadTargets(db, scope, f.periods),
    undatedOpen(db, scope, q.pipelineId),
  ]);
  const rows = bucketForecast(dealList, targetList, f.periods, q.groupBy, ctx);
  const ownerIds = [...new Set(rows.map((r) => r.ownerId).filter((id): id is string => id !== null))];
  return {
    pipelineId: q.pipelineId,
    interval: q.interval,
    groupBy: q.groupBy,
    timeZone: f.timeZone,
    today: f.today,
    from: f.from,
    to: f.to,
    commitThreshold: COMMIT_THRESHOLD,
    minSample: MIN_LEARNING_SAMPLE,
    periods: f.periods,
    stages,
    rows,
    owners: await ownerNames(db, scope.orgId, ownerIds),
    undated,
  };
}

export interface DrillDownQuery {
  pipelineId: string;
  period: string;
  /** An owner's id, "unassigned" for deals without one, or absent for everyone. */
  ownerId?: string;
  currency?: string;
  measure: Measure;
}

export interface DealBehind {
  id: string;
  title: string;
  ownerId: string | null;
  currency: string;
  amount: number;
  stageId: string;
  stageName: string | null;
  probability: number | null;
  status: "open" | "won" | "lost";
  closeDate: string | null;
  /** The deal's date in the forecast: its close date, or the day it was won. */
  date: string;
  /** What the deal adds to the number drilled into. */
  value: number;
}

/** The deals behind one number of the forecast, largest contribution first. */
export async function dealsBehind(db: Db, scope: ForecastScope, q: DrillDownQuery, now = Date.now()): Promise<DealBehind[]> {
  const bounds = periodBounds(q.period);
  if (!bounds) throw invalid({ period: ["Use a month (2026-12) or a quarter (2026-Q4)"] });
  const interval: Interval = q.period.includes("Q") ? "quarter" : "month";
  const { f, stages, ctx } = await context(db, scope, q.pipelineId, { from: bounds.start, to: bounds.end, interval }, now);
  const owner = q.ownerId === undefined ? undefined : q.ownerId === "unassigned" ? null : q.ownerId;
  const stageById = new Map(stages.map((s) => [s.stageId, s]));
  const out: DealBehind[] = [];
  for (const d of await loadDeals(db, scope, q.pipelineId, f, owner)) {
    if (q.currency && d.currency !== q.currency) continue;
    const c = contribution(d, ctx);
    if (!c || c.period !== q.period || c[q.measure] <= 0) continue;
    const stage = stageById.get(d.stageId);
    out.push({
      id: d.id, title: d.title, ownerId: d.ownerId, currency: d.currency, amount: d.amount, stageId: d.stageId,
      stageName: stage?.name ?? null, probability: d.status === "open" ? (stage?.effective ?? 0) : null,
      status: d.status, closeDate: d.closeDate, date: c.date, value: Math.round(c[q.measure] * 100) / 100,
    });
  }
  return out.sort((a, b) => b.value - a.value || a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
}
