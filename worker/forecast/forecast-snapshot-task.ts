import type { Env } from "../platform/env";
import { directoryDb, orgDb } from "../platform/db";
import { organizationsDue, takeSnapshots } from "./forecast-snapshots";

/**
 * The cron sweep (every minute in production): once an hour, every
 * organization whose snapshot for its current ISO week is missing gets one.
 * Organizations with no deals write no rows and are looked at again next hour,
 * which costs one forecast read each.
 */
export async function forecastSnapshotTask(env: Env, at: Date): Promise<void> {
  if (at.getUTCMinutes() !== 7) return;
  const now = at.getTime();
  for (const orgId of await organizationsDue(directoryDb(env), now)) {
    try {
      await takeSnapshots(orgDb(env, orgId), orgId, now);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "forecast snapshot failed", orgId, err: String(err) }));
    }
  }
}
