import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { automationRunSteps, type AutomationRun, type AutomationRunStep } from "../../../schema";

/**
 * The run log's steps: what each step got, gave back or failed with, how
 * many attempts it took and when. The runner reads it first, so a step it
 * lists as succeeded is skipped on every later attempt of the run.
 */
export type StepLog = AutomationRunStep;

export async function stepLogs(db: Db, runId: string): Promise<Map<string, StepLog>> {
  const rows = await db.select().from(automationRunSteps).where(eq(automationRunSteps.runId, runId)).all();
  return new Map(rows.map((r) => [r.stepKey, r]));
}

type StepPatch = Pick<AutomationRunStep, "actionType" | "position" | "status"> & Partial<Pick<AutomationRunStep, "input" | "output" | "error" | "startedAt" | "finishedAt">>;

export async function recordStep(db: Db, run: Pick<AutomationRun, "id" | "orgId">, stepKey: string, patch: StepPatch): Promise<void> {
  const { actionType, position, ...changes } = patch;
  await db
    .insert(automationRunSteps)
    .values({ runId: run.id, stepKey, orgId: run.orgId, actionType, position, ...changes })
    .onConflictDoUpdate({ target: [automationRunSteps.runId, automationRunSteps.stepKey], set: { position, ...changes } });
}

/** Counted inside the durable step, once per execution of it (first try and each retry). */
export async function countAttempt(db: Db, runId: string, stepKey: string): Promise<void> {
  await db
    .update(automationRunSteps)
    .set({ attempts: sql`${automationRunSteps.attempts} + 1` })
    .where(and(eq(automationRunSteps.runId, runId), eq(automationRunSteps.stepKey, stepKey)));
}

export async function orderedSteps(db: Db, orgId: string, runId: string): Promise<StepLog[]> {
  return db
    .select()
    .from(automationRunSteps)
    .where(and(eq(automationRunSteps.orgId, orgId), eq(automationRunSteps.runId, runId)))
    .orderBy(automationRunSteps.position, automationRunSteps.startedAt)
    .all();
}
