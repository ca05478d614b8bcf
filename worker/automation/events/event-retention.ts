import { sql } from "drizzle-orm";
import { directoryDb } from "../../platform/db";
import type { ScheduledTask } from "../../platform/scheduled-tasks";

/** How long the event log keeps an event: long enough for Zapier samples and a quarter's audit questions. */
export const EVENT_RETENTION_MS = 90 * 86_400_000;
/** Rows removed per tick, so a large backlog of old events drains over a few ticks instead of one long statement. */
const PRUNE_BATCH = 1_000;

/**
 * Removes events older than the retention, except each invoice's newest:
 * the next invoice event takes its `previous` from it
 * (worker/financial/invoices/invoice-domain-events.ts), however long ago it was.
 */
export async function pruneAutomationEvents(env: Parameters<typeof directoryDb>[0], now: number): Promise<number> {
  const cutoff = now - EVENT_RETENTION_MS;
  const result = await directoryDb(env).run(sql`
    DELETE FROM automation_events WHERE rowid IN (
      SELECT e.rowid FROM automation_events e
      WHERE e.occurred_at < ${cutoff}
        AND (e.entity <> 'invoice' OR EXISTS (
          SELECT 1 FROM automation_events n
          WHERE n.org_id = e.org_id AND n.entity = 'invoice' AND n.entity_id = e.entity_id
            AND (n.occurred_at > e.occurred_at OR (n.occurred_at = e.occurred_at AND n.id > e.id))
        ))
      LIMIT ${PRUNE_BATCH}
    )`);
  return result.meta.changes ?? 0;
}

/** The cron's share: worker/index.ts schedules it. */
export const automationEventRetentionTask: ScheduledTask = async (env, at) => {
  await pruneAutomationEvents(env, at.getTime());
};
