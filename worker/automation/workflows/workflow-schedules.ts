import { and, eq, lte } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { directoryDb, orgDb } from "../../platform/db";
import { automationWorkflows } from "../../../schema";
import { startRun } from "./run-store";
import { nextFiring } from "./schedule-times";
import { syntheticEvent } from "./trigger-matching";

/**
 * Starts the scheduled workflows that are due. Each firing is claimed by a
 * conditional update of `nextRunAt` (from the value read to the next
 * firing), so two overlapping ticks start it once. A schedule that missed
 * several firings (the Worker was down) runs once and moves to the next
 * time after now, rather than catching up in a burst.
 */
export async function runDueSchedules(env: Env, now: number): Promise<number> {
  // The scan spans organizations; with sharded databases it runs per shard.
  const due = await directoryDb(env)
    .select()
    .from(automationWorkflows)
    .where(and(eq(automationWorkflows.enabled, true), lte(automationWorkflows.nextRunAt, now)))
    .limit(200)
    .all();
  let started = 0;
  for (const workflow of due) {
    if (workflow.trigger.kind !== "schedule" || workflow.nextRunAt === null) continue;
    const next = nextFiring(workflow.trigger.cron, workflow.trigger.timeZone, now);
    const claimed = await orgDb(env, workflow.orgId)
      .update(automationWorkflows)
      .set({ nextRunAt: next })
      .where(and(eq(automationWorkflows.id, workflow.id), eq(automationWorkflows.nextRunAt, workflow.nextRunAt)))
      .returning({ id: automationWorkflows.id })
      .get();
    if (!claimed) continue;
    try {
      const event = syntheticEvent({ orgId: workflow.orgId, kind: "schedule", entity: null, record: null, actorId: null, now: workflow.nextRunAt });
      await startRun(env, { workflow, event, entity: null, recordId: null, startedBy: null }, now);
      started++;
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "scheduled workflow not started", workflowId: workflow.id, err: String(err) }));
    }
  }
  return started;
}

/** Registered by worker/index.ts on the every-minute cron. */
export const workflowScheduleTask = async (env: Env, at: Date) => {
  await runDueSchedules(env, at.getTime());
};
