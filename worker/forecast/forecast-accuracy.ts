/**
 * Forecast versus actual for periods that have ended. The forecast of a
 * period is what the period's first weekly snapshot said (the first one taken
 * on or after its first day; when none was taken during the period, the last
 * one before it): closed won by then plus the weighted open pipeline. The
 * actual is what is closed won in the period today. MAPE averages the
 * absolute percentage errors over periods with a forecast and a non-zero
 * actual (an error relative to nothing is undefined), per currency.
 */
import { and, eq, inArray } from "drizzle-orm";
import { forecastSnapshots } from "../../schema";
import type { Db } from "../platform/db";
import { localDateOf, orgTimeZone } from "../platform/local-time";
import { invalid } from "../platform/errors";
import { forecastFor, type ForecastScope } from "./forecast";
import { localToday, periodBounds, periodOf, shiftPeriod, type Interval, type Period } from "./forecast-periods";

export interface SnapshotRow {
  week: string;
  period: string;
  ownerId: string;
  currency: string;
  weighted: number;
  closedWon: number;
  takenAt: number;
}

export interface AccuracyPoint {
  period: string;
  currency: string;
  /** Null when no snapshot covered the period. */
  forecast: number | null;
  snapshotWeek: string | null;
  snapshotTakenAt: number | null;
  actual: number;
  /** |actual − forecast| / actual, as a fraction; null without a forecast or with a zero actual. */
  error: number | null;
}

export interface Accuracy {
  pipelineId: string;
  interval: Interval;
  from: string;
  to: string;
  basis: string;
  points: AccuracyPoint[];
  /** Per currency: mean absolute percentage error (a fraction) and the periods it averages. */
  mape: { currency: string; mape: number | null; periods: number }[];
}

export const ACCURACY_BASIS =
  "The first weekly snapshot taken in the period (else the last one before it): closed won at that time plus the weighted open pipeline.";

/** The snapshot week that stands for a period's forecast, from the weeks available (week → when taken). */
export function pickSnapshotWeek(period: Period, weeks: ReadonlyMap<string, number>, timeZone: string): string | null {
  let firstIn: [string, number] | null = null;
  let lastBefore: [string, number] | null = null;
  for (const [week, takenAt] of weeks) {
    const day = localDateOf(takenAt, timeZone);
    if (day >= period.start && day <= period.end) {
      if (!firstIn || takenAt < firstIn[1]) firstIn = [week, takenAt];
    } else if (day < period.start) {
      if (!lastBefore || takenAt > lastBefore[1]) lastBefore = [week, takenAt];
    }
  }
  return (firstIn ?? lastBefore)?.[0] ?? null;
}

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

export function meanAbsolutePercentageError(points: readonly AccuracyPoint[]): number | null {
  const errors = points.map((p) => p.error).filter((e): e is number => e !== null);
  return errors.length ? round4(errors.reduce((a, b) => a + b, 0) / errors.length) : null;
}

/** Points per period and currency from the snapshot rows (already narrowed to what the caller may see) and the actuals. */
export function accuracyPoints(
  periods: readonly Period[],
  snapshots: readonly SnapshotRow[],
  actuals: ReadonlyMap<string, number>,
  timeZone: string,
): AccuracyPoint[] {
  const points: AccuracyPoint[] = [];
  for (const period of periods) {
    const rows = snapshots.filter((s) => s.period === period.key);
    const weeks = new Map<string, number>();
    for (const r of rows) weeks.set(r.week, Math.min(weeks.get(r.week) ?? Infinity, r.takenAt));
    const week = pickSnapshotWeek(period, weeks, timeZone);
    const forecastByCurrency = new Map<string, number>();
    for (const r of rows) if (r.week === week) forecastByCurrency.set(r.currency, (forecastByCurrency.get(r.currency) ?? 0) + r.weighted + r.closedWon);
    const currencies = new Set([...forecastByCurrency.keys(), ...[...actuals.keys()].filter((k) => k.startsWith(`${period.key}\u0000`)).map((k) => k.split("\u0000")[1]!)]);
    for (const currency of [...currencies].sort()) {
      const forecast = forecastByCurrency.has(currency) ? Math.round(forecastByCurrency.get(currency)! * 100) / 100 : null;
      const actual = actuals.get(`${period.key}\u0000${currency}`) ?? 0;
      points.push({
        period: period.key,
        currency,
        forecast,
        snapshotWeek: forecast === null ? null : week,
        snapshotTakenAt: forecast === null ? null : (weeks.get(week!) ?? null),
        actual,
        error: forecast !== null && actual > 0 ? round4(Math.abs(actual - forecast) / actual) : null,
      });
    }
  }
  return points;
}

/** Defaults: the six periods before the current one. Only periods that have ended are compared. */
export async function accuracyFor(
  db: Db,
  scope: ForecastScope,
  q: { pipelineId: string; from?: string; to?: string; interval: Interval },
  now = Date.now(),
): Promise<Accuracy> {
  const timeZone = await orgTimeZone(db, scope.orgId);
  const today = localToday(now, timeZone);
  const current = periodOf(today, q.interval);
  const from = q.from ?? periodBounds(shiftPeriod(current, -6))!.start;
  const to = q.to ?? periodBounds(shiftPeriod(current, -1))!.end;
  if (from > to) throw invalid({ to: ["Must be on or after `from`"] });
  const live = await forecastFor(db, scope, { pipelineId: q.pipelineId, from, to, interval: q.interval, groupBy: "none" }, now);
  const ended = live.periods.filter((p) => p.end < today);
  const actuals = new Map(live.rows.map((r) => [`${r.period}\u0000${r.currency}`, r.closedWon]));
  const conditions = [eq(forecastSnapshots.orgId, scope.orgId), eq(forecastSnapshots.pipelineId, q.pipelineId)];
  if (scope.onlyOwnerId) conditions.push(eq(forecastSnapshots.ownerId, scope.onlyOwnerId));
  const snapshots =
    ended.length === 0
      ? []
      : await db
          .select({
            week: forecastSnapshots.week,
            period: forecastSnapshots.period,
            ownerId: forecastSnapshots.ownerId,
            currency: forecastSnapshots.currency,
            weighted: forecastSnapshots.weighted,
            closedWon: forecastSnapshots.closedWon,
            takenAt: forecastSnapshots.takenAt,
          })
          .from(forecastSnapshots)
          .where(and(...conditions, inArray(forecastSnapshots.period, ended.map((p) => p.key))));
  const points = accuracyPoints(ended, snapshots, actuals, timeZone);
  const currencies = [...new Set(points.map((p) => p.currency))].sort();
  return {
    pipelineId: q.pipelineId,
    interval: q.interval,
    from: live.from,
    to: live.to,
    basis: ACCURACY_BASIS,
    points,
    mape: currencies.map((currency) => {
      const mine = points.filter((p) => p.currency === currency);
      return { currency, mape: meanAbsolutePercentageError(mine), periods: mine.filter((p) => p.error !== null).length };
    }),
  };
}
