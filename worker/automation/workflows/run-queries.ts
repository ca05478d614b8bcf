import { and, desc, eq, type SQL } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { automationRuns, automationWorkflows, type AutomationRun, type WorkflowRunStatus } from "../../../schema";
import { requireRun } from "./run-store";
import { orderedSteps } from "./run-steps";

/** The run log as the app reads it: runs by workflow, record or status, and one run with its steps in order. */

export const runView = (run: AutomationRun, workflowName: string | null) => ({
  id: run.id,
  workflowId: run.workflowId,
  workflowName,
  workflowVersion: run.workflowVersion,
  status: run.status,
  reason: run.reason,
  eventId: run.eventId,
  eventType: run.event.type as string,
  entity: run.entity,
  recordId: run.recordId,
  attempt: run.attempt,
  startedBy: run.startedBy,
  createdAt: run.createdAt,
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
});

export interface RunQuery {
  page: number;
  perPage: number;
  workflowId?: string;
  recordId?: string;
  status?: WorkflowRunStatus;
}

export async function listRuns(db: Db, orgId: string, q: RunQuery) {
  const filters: (SQL | undefined)[] = [eq(automationRuns.orgId, orgId)];
  if (q.workflowId) filters.push(eq(automationRuns.workflowId, q.workflowId));
  if (q.recordId) filters.push(eq(automationRuns.recordId, q.recordId));
  if (q.status) filters.push(eq(automationRuns.status, q.status));
  const where = and(...filters);
  const rows = await db
    .select({ run: automationRuns, name: automationWorkflows.name })
    .from(automationRuns)
    .leftJoin(automationWorkflows, eq(automationWorkflows.id, automationRuns.workflowId))
    .where(where)
    .orderBy(desc(automationRuns.createdAt), desc(automationRuns.id))
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage)
    .all();
  const total = await db.$count(automationRuns, where);
  return { items: rows.map((r) => runView(r.run, r.name)), total };
}

export async function getRun(db: Db, orgId: string, id: string) {
  const run = await requireRun(db, orgId, id);
  const workflow = await db.select({ name: automationWorkflows.name }).from(automationWorkflows).where(eq(automationWorkflows.id, run.workflowId)).get();
  const steps = (await orderedSteps(db, orgId, id)).map(({ runId: _r, orgId: _o, ...step }) => step);
  return { ...runView(run, workflow?.name ?? null), definition: run.definition, steps };
}
