import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { conflict, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { can } from "../../platform/permissions";
import { publishEvent } from "../../platform/room-rpc";
import { automationRuns, memberships, ROLES, type AutomationRun, type AutomationWorkflow, type DomainEvent, type EventEntity, type WorkflowRunStatus } from "../../../schema";
import type { WorkflowRunSummary } from "../../../schema/room-events";

/**
 * Runs: one row per workflow and triggering event (a redelivered event finds
 * the row and starts nothing new), a Cloudflare Workflows instance per
 * attempt, and the loop guard that records a run as skipped instead of
 * starting it when a workflow would re-trigger itself.
 */

export const MAX_CHAIN = 5;

const summaryOf = (run: AutomationRun): WorkflowRunSummary => ({
  id: run.id,
  workflowId: run.workflowId,
  status: run.status,
  reason: run.reason,
  entity: run.entity,
  recordId: run.recordId,
  attempt: run.attempt,
  createdAt: run.createdAt,
  startedAt: run.startedAt,
  finishedAt: run.finishedAt,
});

/** Pushes a run's new status to the members who may read run logs; best effort, the row is the truth. */
export async function publishRunUpdate(env: Env, run: AutomationRun): Promise<void> {
  try {
    const readers = ROLES.filter((role) => can(role, "automation:read"));
    const userIds =
      readers.length === ROLES.length
        ? undefined
        : (await orgDb(env, run.orgId).select({ userId: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, run.orgId), inArray(memberships.role, readers))).all()).map((m) => m.userId);
    await publishEvent(env, run.orgId, "workflow_run_updated", { run: summaryOf(run) }, userIds);
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "workflow run update not published", runId: run.id, err: String(err) }));
  }
}

export async function requireRun(db: Db, orgId: string, id: string): Promise<AutomationRun> {
  const run = await db.select().from(automationRuns).where(and(eq(automationRuns.orgId, orgId), eq(automationRuns.id, id))).get();
  if (!run) throw notFound("Run");
  return run;
}

/** Why the loop guard refuses this workflow for this event, or null. */
export function loopGuardReason(workflowId: string, event: DomainEvent): string | null {
  const chain = event.origin?.chain ?? [];
  if (chain.includes(workflowId)) return "Loop guard: this workflow's own action caused the event";
  if (chain.length >= MAX_CHAIN) return `Loop guard: ${chain.length} workflows already ran in this chain (at most ${MAX_CHAIN})`;
  return null;
}

const instanceIdOf = (runId: string, attempt: number) => `${runId}-${attempt}`;

/** Starts the Workflows instance of the run's current attempt; an instance that already exists was started by an earlier delivery. */
async function startInstance(env: Env, run: AutomationRun): Promise<AutomationRun> {
  const id = instanceIdOf(run.id, run.attempt);
  try {
    await env.AUTOMATION_RUNS.create({ id, params: { orgId: run.orgId, runId: run.id } });
  } catch (err) {
    const existing = await env.AUTOMATION_RUNS.get(id).catch(() => null);
    if (!existing) throw err;
  }
  await orgDb(env, run.orgId).update(automationRuns).set({ instanceId: id }).where(and(eq(automationRuns.orgId, run.orgId), eq(automationRuns.id, run.id)));
  return { ...run, instanceId: id };
}

export interface RunRequest {
  workflow: AutomationWorkflow;
  event: DomainEvent;
  /** The record kind and id the run is about; null for schedules. */
  entity: EventEntity | null;
  recordId: string | null;
  startedBy: string | null;
}

/**
 * Creates the run (once per workflow and event) and starts it, or records it
 * as skipped by the loop guard. Safe to call again for the same event.
 */
export async function startRun(env: Env, req: RunRequest, now = Date.now()): Promise<AutomationRun> {
  const db = orgDb(env, req.workflow.orgId);
  const skipReason = loopGuardReason(req.workflow.id, req.event);
  const row: AutomationRun = {
    id: newId(),
    orgId: req.workflow.orgId,
    workflowId: req.workflow.id,
    workflowVersion: req.workflow.version,
    definition: { trigger: req.workflow.trigger, conditions: req.workflow.conditions, actions: req.workflow.actions },
    status: skipReason ? "skipped" : "queued",
    reason: skipReason,
    eventId: req.event.id,
    event: req.event,
    entity: req.entity,
    recordId: req.recordId,
    origin: req.event.origin,
    instanceId: null,
    attempt: 1,
    startedBy: req.startedBy,
    createdAt: now,
    startedAt: null,
    finishedAt: skipReason ? now : null,
  };
  const inserted = await db.insert(automationRuns).values(row).onConflictDoNothing().returning().get();
  const run = inserted ?? (await db.select().from(automationRuns).where(and(eq(automationRuns.workflowId, req.workflow.id), eq(automationRuns.eventId, req.event.id))).get());
  if (!run) throw new Error(`run for workflow ${req.workflow.id} and event ${req.event.id} vanished`);
  if (inserted) await publishRunUpdate(env, run);
  if (run.status !== "queued" || run.instanceId) return run;
  return startInstance(env, run);
}

/**
 * A failed run starts again as a new Workflows instance (attempt + 1); the
 * steps that succeeded are read from the run log, not executed again. The
 * update is conditional on `failed`, so two clicks start one retry.
 */
export async function retryRun(env: Env, orgId: string, runId: string): Promise<AutomationRun> {
  const db = orgDb(env, orgId);
  const run = await requireRun(db, orgId, runId);
  if (run.status !== "failed") throw conflict(`Only failed runs can be retried; this one is ${run.status}`);
  const retried = await db
    .update(automationRuns)
    .set({ status: "queued", attempt: run.attempt + 1, reason: null, finishedAt: null, instanceId: null })
    .where(and(eq(automationRuns.orgId, orgId), eq(automationRuns.id, runId), eq(automationRuns.status, "failed"), eq(automationRuns.attempt, run.attempt)))
    .returning()
    .get();
  if (!retried) throw conflict("The run is already being retried");
  await publishRunUpdate(env, retried);
  return startInstance(env, retried);
}

/** Moves a run to a new status (and reason), publishing it. */
export async function setRunStatus(env: Env, run: Pick<AutomationRun, "orgId" | "id">, status: WorkflowRunStatus, patch: Partial<Pick<AutomationRun, "reason" | "startedAt" | "finishedAt">> = {}) {
  const updated = await orgDb(env, run.orgId)
    .update(automationRuns)
    .set({ status, ...patch })
    .where(and(eq(automationRuns.orgId, run.orgId), eq(automationRuns.id, run.id)))
    .returning()
    .get();
  if (updated) await publishRunUpdate(env, updated);
  return updated;
}
