/**
 * The forecast's arithmetic, kept pure so fixtures can check it by hand. Each
 * deal lands in one period and contributes to the measures below; the totals
 * and the drill-down both go through `contribution`, so a number and the deals
 * listed behind it always agree.
 */
import { localDateOf } from "../platform/local-time";
import { periodOf, type Interval, type Period } from "./forecast-periods";

/** Open deals in stages at or above this probability (percent) are "commit". */
export const COMMIT_THRESHOLD = 70;

export const MEASURES = ["weighted", "commit", "bestCase", "closedWon", "slipped"] as const;
export type Measure = (typeof MEASURES)[number];

export interface ForecastDeal {
  id: string;
  title: string;
  ownerId: string | null;
  currency: string;
  amount: number;
  stageId: string;
  status: "open" | "won" | "lost";
  closeDate: string | null;
  /** When the deal became won (epoch ms), for won deals without a close date. */
  wonAt: number | null;
  /** How many deals this stands for, when deals of one bucket, stage and status come summed (1 when absent). */
  count?: number;
}

export interface BucketContext {
  interval: Interval;
  timeZone: string;
  /** Today's local date: open deals dated before it have slipped. */
  today: string;
  /** Effective win probability (percent) per stage id. */
  probability: ReadonlyMap<string, number>;
}

export type Contribution = { period: string; date: string } & Record<Measure, number>;

/** Where a deal lands and what it adds, or null when it belongs in no period (lost, or open with no close date). */
export function contribution(deal: ForecastDeal, ctx: BucketContext): Contribution | null {
  if (deal.status === "open") {
    if (!deal.closeDate) return null;
    const p = ctx.probability.get(deal.stageId) ?? 0;
    return {
      period: periodOf(deal.closeDate, ctx.interval),
      date: deal.closeDate,
      weighted: (deal.amount * p) / 100,
      commit: p >= COMMIT_THRESHOLD ? deal.amount : 0,
      bestCase: deal.amount,
      closedWon: 0,
      slipped: deal.closeDate < ctx.today ? deal.amount : 0,
    };
  }
  if (deal.status === "won") {
    const date = deal.closeDate ?? (deal.wonAt !== null ? localDateOf(deal.wonAt, ctx.timeZone) : null);
    if (!date) return null;
    return { period: periodOf(date, ctx.interval), date, weighted: 0, commit: 0, bestCase: 0, closedWon: deal.amount, slipped: 0 };
  }
  return null;
}

export interface ForecastRow {
  period: string;
  /** Null when not grouped by owner, and for deals with no owner (then `unassigned` is true). */
  ownerId: string | null;
  unassigned: boolean;
  currency: string;
  weighted: number;
  commit: number;
  bestCase: number;
  closedWon: number;
  slipped: number;
  slippedCount: number;
  openCount: number;
  target: number | null;
  /** closedWon / target, as a fraction; null without a positive target. */
  attainment: number | null;
}

export interface TargetRow {
  ownerId: string;
  period: string;
  currency: string;
  amount: number;
}

const cents = (n: number) => Math.round(n * 100) / 100;

/**
 * Rows per period, owner (when grouped) and currency. Amounts are never
 * converted between currencies: each currency is its own row. A target with
 * no deals still gets a row, so attainment shows 0 rather than nothing.
 */
export function bucketForecast(
  dealList: readonly ForecastDeal[],
  targetList: readonly TargetRow[],
  periods: readonly Period[],
  groupBy: "owner" | "none",
  ctx: BucketContext,
): ForecastRow[] {
  const inRange = new Set(periods.map((p) => p.key));
  const rows = new Map<string, ForecastRow>();
  const row = (period: string, ownerId: string | null, currency: string) => {
    const owner = groupBy === "owner" ? ownerId : null;
    const key = `${period}\u0000${owner ?? ""}\u0000${currency}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        period, ownerId: owner, unassigned: groupBy === "owner" && owner === null, currency,
        weighted: 0, commit: 0, bestCase: 0, closedWon: 0, slipped: 0, slippedCount: 0, openCount: 0, target: null, attainment: null,
      };
      rows.set(key, r);
    }
    return r;
  };
  for (const deal of dealList) {
    const c = contribution(deal, ctx);
    if (!c || !inRange.has(c.period)) continue;
    const r = row(c.period, deal.ownerId, deal.currency);
    for (const m of MEASURES) r[m] += c[m];
    const n = deal.count ?? 1;
    if (deal.status === "open") r.openCount += n;
    if (c.slipped > 0) r.slippedCount += n;
  }
  for (const t of targetList) {
    if (!inRange.has(t.period)) continue;
    const r = row(t.period, t.ownerId, t.currency);
    r.target = (r.target ?? 0) + t.amount;
  }
  const order = new Map(periods.map((p, i) => [p.key, i]));
  return [...rows.values()]
    .map((r) => {
      for (const m of MEASURES) r[m] = cents(r[m]);
      r.attainment = r.target !== null && r.target > 0 ? Math.round((r.closedWon / r.target) * 10_000) / 10_000 : null;
      return r;
    })
    .sort(
      (a, b) =>
        order.get(a.period)! - order.get(b.period)! ||
        (a.ownerId ?? "\uffff").localeCompare(b.ownerId ?? "\uffff") ||
        a.currency.localeCompare(b.currency),
    );
}
