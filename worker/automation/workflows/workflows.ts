import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import type { AuthContext } from "../../platform/env";
import { auditStatement } from "../../platform/audit-writer";
import { conflict, forbidden, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { automationRuns, automationWorkflows, memberships, type AutomationWorkflow, type Role, type WorkflowRunStatus } from "../../../schema";
import { checkDefinition } from "./definition-checks";
import { nextFiring } from "./schedule-times";
import type { WorkflowCreateInput, WorkflowUpdateInput } from "./workflow-definition";

/**
 * Workflow definitions: list, read, create, edit (each edit bumps `version`;
 * runs keep the definition they started with), enable and delete.
 *
 * A workflow acts with its owner's permissions, so nobody may make or edit a
 * workflow that acts as someone of a higher role: a manager cannot borrow an
 * admin's authority by naming them owner or editing their workflow.
 */

const RANK: Record<Role, number> = { viewer: 0, agent: 1, manager: 2, admin: 3, owner: 4 };

export interface Editor extends AuthContext {
  requestId?: string;
}

export type WorkflowView = ReturnType<typeof workflowView>;

export function workflowView(row: AutomationWorkflow, stats?: { lastRun: { id: string; status: WorkflowRunStatus; createdAt: number } | null; runCounts: Record<string, number> }) {
  const { orgId: _org, lastFailureAlertAt: _alert, ...rest } = row;
  return { ...rest, lastRun: stats?.lastRun ?? null, runCounts: stats?.runCounts ?? {} };
}

export async function requireWorkflow(db: Db, orgId: string, id: string): Promise<AutomationWorkflow> {
  const row = await db.select().from(automationWorkflows).where(and(eq(automationWorkflows.orgId, orgId), eq(automationWorkflows.id, id))).get();
  if (!row) throw notFound("Workflow");
  return row;
}

async function roleOf(db: Db, orgId: string, userId: string): Promise<Role | null> {
  const row = await db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId))).get();
  return row?.role ?? null;
}

/** Refuses acting through a workflow owned by (or given to) a member who outranks the editor. */
async function assertMayActAs(db: Db, editor: Editor, ownerId: string) {
  if (ownerId === editor.userId) return;
  const role = await roleOf(db, editor.orgId, ownerId);
  if (role && RANK[role] > RANK[editor.role]) throw forbidden("This workflow acts as a member whose role is above yours");
}

const scheduleOf = (trigger: AutomationWorkflow["trigger"], enabled: boolean, now: number) =>
  enabled && trigger.kind === "schedule" ? nextFiring(trigger.cron, trigger.timeZone, now) : null;

async function runStats(db: Db, orgId: string, workflowIds: string[]) {
  if (!workflowIds.length) return new Map<string, { lastRun: { id: string; status: WorkflowRunStatus; createdAt: number } | null; runCounts: Record<string, number> }>();
  const counts = await db
    .select({ workflowId: automationRuns.workflowId, status: automationRuns.status, n: sql<number>`count(*)` })
    .from(automationRuns)
    .where(and(eq(automationRuns.orgId, orgId), inArray(automationRuns.workflowId, workflowIds)))
    .groupBy(automationRuns.workflowId, automationRuns.status)
    .all();
  const last = await db
    .select({ workflowId: automationRuns.workflowId, id: automationRuns.id, status: automationRuns.status, createdAt: automationRuns.createdAt })
    .from(automationRuns)
    .where(
      and(
        eq(automationRuns.orgId, orgId),
        sql`${automationRuns.id} IN (SELECT r.id FROM automation_runs r WHERE r.org_id = ${orgId} AND r.workflow_id = ${automationRuns.workflowId} ORDER BY r.created_at DESC, r.id DESC LIMIT 1)`,
        inArray(automationRuns.workflowId, workflowIds),
      ),
    )
    .all();
  const out = new Map(workflowIds.map((id) => [id, { lastRun: null as { id: string; status: WorkflowRunStatus; createdAt: number } | null, runCounts: {} as Record<string, number> }]));
  for (const c of counts) out.get(c.workflowId)!.runCounts[c.status] = Number(c.n);
  for (const l of last) out.get(l.workflowId)!.lastRun = { id: l.id, status: l.status, createdAt: l.createdAt };
  return out;
}

export async function listWorkflows(db: Db, orgId: string, q: { page: number; perPage: number; enabled?: boolean }) {
  const where = and(eq(automationWorkflows.orgId, orgId), q.enabled === undefined ? undefined : eq(automationWorkflows.enabled, q.enabled));
  const rows = await db
    .select()
    .from(automationWorkflows)
    .where(where)
    .orderBy(desc(automationWorkflows.updatedAt), desc(automationWorkflows.id))
    .limit(q.perPage)
    .offset((q.page - 1) * q.perPage)
    .all();
  const total = await db.$count(automationWorkflows, where);
  const stats = await runStats(db, orgId, rows.map((r) => r.id));
  return { items: rows.map((r) => workflowView(r, stats.get(r.id))), total };
}

export async function getWorkflow(db: Db, orgId: string, id: string) {
  const row = await requireWorkflow(db, orgId, id);
  return workflowView(row, (await runStats(db, orgId, [id])).get(id));
}

export async function createWorkflow(db: Db, editor: Editor, input: WorkflowCreateInput, now = Date.now()) {
  const ownerId = input.ownerId ?? editor.userId;
  const definition = { trigger: input.trigger, conditions: input.conditions ?? null, actions: input.actions, ownerId };
  await checkDefinition(db, editor.orgId, definition);
  await assertMayActAs(db, editor, ownerId);
  const enabled = input.enabled ?? false;
  const row: AutomationWorkflow = {
    id: newId(),
    orgId: editor.orgId,
    name: input.name,
    description: input.description ?? null,
    enabled,
    ownerId,
    trigger: input.trigger,
    conditions: input.conditions ?? null,
    actions: input.actions,
    version: 1,
    nextRunAt: scheduleOf(input.trigger, enabled, now),
    lastFailureAlertAt: null,
    createdBy: editor.userId,
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(automationWorkflows).values(row),
    auditStatement(db, editor.orgId, { actorId: editor.userId, action: "create", entity: "workflow", entityId: row.id, changes: { name: row.name, enabled }, requestId: editor.requestId }),
  ]);
  return workflowView(row);
}

/**
 * An edit applies only to the version it read (a conditional update on
 * `version`), so two editors saving at once cannot interleave halves.
 */
export async function updateWorkflow(db: Db, editor: Editor, id: string, input: WorkflowUpdateInput, now = Date.now()) {
  const current = await requireWorkflow(db, editor.orgId, id);
  await assertMayActAs(db, editor, current.ownerId);
  const next = {
    name: input.name ?? current.name,
    description: input.description === undefined ? current.description : input.description,
    enabled: input.enabled ?? current.enabled,
    ownerId: input.ownerId ?? current.ownerId,
    trigger: input.trigger ?? current.trigger,
    conditions: input.conditions === undefined ? current.conditions : input.conditions,
    actions: input.actions ?? current.actions,
  };
  await checkDefinition(db, editor.orgId, next);
  await assertMayActAs(db, editor, next.ownerId);
  const updated = await db
    .update(automationWorkflows)
    .set({ ...next, version: current.version + 1, nextRunAt: scheduleOf(next.trigger, next.enabled, now), updatedAt: now })
    .where(and(eq(automationWorkflows.orgId, editor.orgId), eq(automationWorkflows.id, id), eq(automationWorkflows.version, current.version)))
    .returning()
    .get();
  if (!updated) throw conflict("The workflow was changed meanwhile; reload it and try again");
  await auditStatement(db, editor.orgId, {
    actorId: editor.userId,
    action: "update",
    entity: "workflow",
    entityId: id,
    changes: { fields: Object.keys(input), version: updated.version },
    requestId: editor.requestId,
  });
  return getWorkflow(db, editor.orgId, id);
}

export const setWorkflowEnabled = (db: Db, editor: Editor, id: string, enabled: boolean, now = Date.now()) => updateWorkflow(db, editor, id, { enabled }, now);

/** Deleting keeps the run log (runs hold their frozen definition) but stops everything new. */
export async function deleteWorkflow(db: Db, editor: Editor, id: string) {
  const current = await requireWorkflow(db, editor.orgId, id);
  await assertMayActAs(db, editor, current.ownerId);
  await db.batch([
    db.delete(automationWorkflows).where(and(eq(automationWorkflows.orgId, editor.orgId), eq(automationWorkflows.id, id))),
    auditStatement(db, editor.orgId, { actorId: editor.userId, action: "delete", entity: "workflow", entityId: id, changes: { name: current.name }, requestId: editor.requestId }),
  ]);
}
