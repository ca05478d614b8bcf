/**
 * Weekly snapshots: what the forecast said, per pipeline, period (this one
 * and the next few), owner and currency, so it can be checked later against
 * what was actually won. The first snapshot of an ISO week stands; taking it
 * again that week writes nothing, so the cron and the alarm may both fire.
 */
import { inArray } from "drizzle-orm";
import { forecastSnapshots, organizations } from "../../schema";
import type { Db } from "../platform/db";
import { newId } from "../platform/ids";
import { isValidTimeZone, orgTimeZone } from "../platform/local-time";
import { listPipelines } from "../crm";
import { forecastFor } from "./forecast";
import { isoWeekOf, localToday, periodBounds, periodOf, shiftPeriod, type Interval } from "./forecast-periods";

/** Periods snapshotted ahead of the current one, per interval. */
const AHEAD: Record<Interval, number> = { month: 2, quarter: 1 };

/** Takes this week's snapshot of every pipeline of the organization; returns the rows written (0 when it was already taken). */
export async function takeSnapshots(db: Db, orgId: string, now = Date.now()): Promise<number> {
  const timeZone = await orgTimeZone(db, orgId);
  const week = isoWeekOf(now, timeZone);
  const today = localToday(now, timeZone);
  let written = 0;
  for (const pipeline of await listPipelines(db, orgId)) {
    for (const interval of ["month", "quarter"] as const) {
      const current = periodOf(today, interval);
      const forecast = await forecastFor(
        db,
        { orgId, onlyOwnerId: null },
        {
          pipelineId: pipeline.id,
          interval,
          groupBy: "owner",
          from: periodBounds(current)!.start,
          to: periodBounds(shiftPeriod(current, AHEAD[interval]))!.end,
        },
        now,
      );
      const statements = forecast.rows.map((r) =>
        db
          .insert(forecastSnapshots)
          .values({
            id: newId(),
            orgId,
            pipelineId: pipeline.id,
            week,
            period: r.period,
            ownerId: r.ownerId ?? "",
            currency: r.currency,
            weighted: r.weighted,
            commit: r.commit,
            bestCase: r.bestCase,
            closedWon: r.closedWon,
            takenAt: now,
          })
          .onConflictDoNothing(),
      );
      if (statements.length === 0) continue;
      const results = await db.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
      written += results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
    }
  }
  return written;
}

/** Organizations whose snapshot for the current week (in their zone) is not taken yet; for the cron sweep. */
export async function organizationsDue(db: Db, now = Date.now()): Promise<string[]> {
  const orgs = await db.select({ id: organizations.id, settings: organizations.settings }).from(organizations);
  const weekOf = new Map<string, string>();
  for (const o of orgs) {
    const zone = o.settings.timeZone && isValidTimeZone(o.settings.timeZone) ? o.settings.timeZone : "UTC";
    weekOf.set(o.id, isoWeekOf(now, zone));
  }
  const weeks = [...new Set(weekOf.values())];
  if (weeks.length === 0) return [];
  const done = await db
    .selectDistinct({ orgId: forecastSnapshots.orgId, week: forecastSnapshots.week })
    .from(forecastSnapshots)
    .where(inArray(forecastSnapshots.week, weeks));
  const doneKeys = new Set(done.map((d) => `${d.orgId}\u0000${d.week}`));
  return orgs.filter((o) => !doneKeys.has(`${o.id}\u0000${weekOf.get(o.id)}`)).map((o) => o.id);
}
