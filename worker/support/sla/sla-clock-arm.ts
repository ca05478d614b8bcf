import type { Env } from "../../platform/env";

/**
 * Wakes the organization's SlaClock (worker/support/sla/sla-clock.ts) at `at`, so breaches
 * are caught on time even where cron triggers never fire (`wrangler dev`).
 * Best effort: the cron scan catches anything a missed alarm leaves.
 */
export async function armSlaClock(env: Pick<Env, "SLA_CLOCK">, orgId: string, at: number | null) {
  if (at === null) return;
  try {
    await env.SLA_CLOCK.get(env.SLA_CLOCK.idFromName(orgId)).arm(orgId, at);
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "sla clock arm failed", orgId, err: String(err) }));
  }
}
