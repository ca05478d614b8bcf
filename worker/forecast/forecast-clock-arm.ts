import type { Env } from "../platform/env";

/** Organizations whose clock this isolate has armed already: arming is idempotent, this only saves the round trip. */
const armed = new Set<string>();

/**
 * Arms the organization's ForecastClock (forecast-clock.ts) the first time its
 * forecast is read. Best effort: the cron sweep takes snapshots in production
 * whatever happens here.
 */
export async function armForecastClock(env: Pick<Env, "FORECAST_CLOCK">, orgId: string): Promise<void> {
  if (armed.has(orgId)) return;
  try {
    await env.FORECAST_CLOCK.get(env.FORECAST_CLOCK.idFromName(orgId)).arm(orgId);
    armed.add(orgId);
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "forecast clock arm failed", orgId, err: String(err) }));
  }
}
