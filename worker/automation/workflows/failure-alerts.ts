import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { notify } from "../../notifications";
import { automationWorkflows, type AutomationRun, type AutomationWorkflow } from "../../../schema";

/** At most one alert per workflow in this window; later failures show only in the run log. */
export const FAILURE_ALERT_WINDOW_MS = 60 * 60_000;

/**
 * Tells the workflow's owner a run failed, unless they were told about this
 * workflow within the hour. The claim is one conditional update, so runs
 * failing at the same moment send one alert between them.
 */
export async function alertRunFailed(env: Env, workflow: AutomationWorkflow, run: AutomationRun, reason: string, now = Date.now()): Promise<boolean> {
  const claimed = await orgDb(env, workflow.orgId)
    .update(automationWorkflows)
    .set({ lastFailureAlertAt: now })
    .where(
      and(
        eq(automationWorkflows.orgId, workflow.orgId),
        eq(automationWorkflows.id, workflow.id),
        or(isNull(automationWorkflows.lastFailureAlertAt), lt(automationWorkflows.lastFailureAlertAt, now - FAILURE_ALERT_WINDOW_MS)),
      ),
    )
    .returning({ id: automationWorkflows.id })
    .get();
  if (!claimed) return false;
  await notify(env, workflow.orgId, workflow.ownerId, {
    type: "workflow_failed",
    title: `Workflow "${workflow.name}" failed`,
    body: reason,
    link: `/automation/workflows/${workflow.id}/runs/${run.id}`,
    data: { workflowId: workflow.id, runId: run.id },
  });
  return true;
}
