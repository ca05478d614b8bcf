import { and, eq, gte, sql } from "drizzle-orm";
import { reconciliationRuns, stripeConnections } from "../../../schema";
import { directoryDb, orgDb } from "../../platform/db";
import type { Env } from "../../platform/env";
import { startRuns } from "./reconciliation-runs";

/** The nightly run starts at this UTC hour; a tick missed then is caught up by the next one the same day. */
export const NIGHTLY_HOUR_UTC = 3;

/**
 * The cron sweep (every minute in production): from 03:00 UTC on, each
 * organization with an enabled Stripe connection and no cron run yet today
 * gets one for the last few days. Checked every minute after that, so it is
 * cheap: one query over connections, one per organization still due.
 */
export async function reconciliationTask(env: Env, at: Date): Promise<void> {
  if (at.getUTCHours() < NIGHTLY_HOUR_UTC) return;
  const dayStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const due = await directoryDb(env)
    .selectDistinct({ orgId: stripeConnections.orgId })
    .from(stripeConnections)
    .where(
      and(
        eq(stripeConnections.enabled, true),
        sql`NOT EXISTS (SELECT 1 FROM ${reconciliationRuns} r WHERE r.org_id = ${stripeConnections.orgId} AND r.trigger = 'cron' AND r.started_at >= ${dayStart})`,
      ),
    );
  for (const { orgId } of due) {
    try {
      const db = orgDb(env, orgId);
      // Ticks are a minute apart: the next one finds this run and starts none.
      const already = await db.$count(reconciliationRuns, and(eq(reconciliationRuns.orgId, orgId), eq(reconciliationRuns.trigger, "cron"), gte(reconciliationRuns.startedAt, dayStart)));
      if (already === 0) await startRuns(env, db, orgId, { trigger: "cron", startedBy: null, now: at.getTime() });
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "reconciliation start failed", orgId, err: String(err) }));
    }
  }
}
