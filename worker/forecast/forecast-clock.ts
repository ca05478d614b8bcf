import { DurableObject } from "cloudflare:workers";
import type { Env } from "../platform/env";
import { orgDb } from "../platform/db";
import { localToInstant, localParts, orgTimeZone } from "../platform/local-time";
import { takeSnapshots } from "./forecast-snapshots";

/** A retry after a failed snapshot, so a passing D1 hiccup does not cost the week. */
const RETRY_MS = 15 * 60_000;

/** The first minute of next Monday in the zone, when the next ISO week's snapshot is due. */
export function nextWeekStart(now: number, timeZone: string): number {
  const p = localParts(now, timeZone);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() || 7;
  const monday = new Date(Date.UTC(p.year, p.month - 1, p.day + 8 - weekday));
  return localToInstant(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), 1, timeZone);
}

/**
 * One per organization: takes the weekly forecast snapshot when armed and then
 * at the start of every ISO week in the organization's zone. A clock of its
 * own rather than an alarm on the organization room, whose alarm already
 * drains the projection outbox: two schedules on one alarm would each have
 * to re-arm around the other. The cron sweep (forecast-snapshot-task.ts) does
 * the same in production; snapshots are idempotent per week, so both firing
 * is harmless, and this clock is what makes snapshots happen in `wrangler dev`.
 */
export class ForecastClock extends DurableObject<Env> {
  async arm(orgId: string): Promise<void> {
    await this.ctx.storage.put("orgId", orgId);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + 1000);
  }

  /** When the alarm is set for, or null; for tests and diagnostics. */
  async scheduledAt(): Promise<number | null> {
    return this.ctx.storage.getAlarm();
  }

  override async alarm(): Promise<void> {
    const orgId = await this.ctx.storage.get<string>("orgId");
    if (!orgId) return;
    const db = orgDb(this.env, orgId);
    const now = Date.now();
    try {
      await takeSnapshots(db, orgId, now);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "forecast snapshot failed", orgId, err: String(err) }));
      await this.ctx.storage.setAlarm(now + RETRY_MS);
      return;
    }
    await this.ctx.storage.setAlarm(nextWeekStart(now, await orgTimeZone(db, orgId)));
  }
}
