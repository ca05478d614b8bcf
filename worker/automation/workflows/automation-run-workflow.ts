import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { automationWorkflows, type AutomationRun, type AutomationWorkflow, type EventEntity, type WorkflowAction, type WorkflowRunParams } from "../../../schema";
import { and, eq } from "drizzle-orm";
import { runAction } from "./actions/action-registry";
import { evaluateGroup, linksUsed } from "./conditions";
import { ownerAuthority, runOrigin, runRequestId } from "./owner-authority";
import { loadLinked, readRecord } from "./record-reader";
import { setRunStatus } from "./run-store";
import { countAttempt, recordStep, stepLogs, type StepLog } from "./run-steps";
import { alertRunFailed } from "./failure-alerts";

/** Each action step: three retries with exponential backoff from 5 s (5, 10, 20 s). */
const STEP_RETRIES = { retries: { limit: 3, delay: "5 seconds", backoff: "exponential" }, timeout: "5 minutes" } as const;

/** Failures that another attempt cannot fix (forbidden, not found, invalid input) fail the step at once. */
const isPermanent = (err: unknown) => err instanceof AppError && err.status < 500 && err.status !== 429;

class StepFailed extends Error {
  constructor(
    readonly stepKey: string,
    message: string,
  ) {
    super(message);
  }
}

class RunStopped extends Error {}

interface RunState {
  env: Env;
  run: AutomationRun;
  workflow: AutomationWorkflow;
  step: WorkflowStep;
  done: Map<string, StepLog>;
  position: number;
}

/**
 * One automation run as a Cloudflare Workflows instance. The run log
 * (`automation_run_steps`) is the source of truth across attempts: a step it
 * records as succeeded is never executed again, so a retry (a new instance)
 * resumes at the failed step. Every step re-reads the record through its
 * feature's service with the owner's live authority.
 */
export class AutomationRunWorkflow extends WorkflowEntrypoint<Env, WorkflowRunParams> {
  override async run(event: WorkflowEvent<WorkflowRunParams>, step: WorkflowStep): Promise<{ status: string }> {
    const { orgId, runId } = event.payload;
    const db = orgDb(this.env, orgId);
    const run = await db.query.automationRuns.findFirst({ where: (r, { and, eq }) => and(eq(r.orgId, orgId), eq(r.id, runId)) });
    if (!run || !["queued", "running", "waiting"].includes(run.status)) return { status: run?.status ?? "missing" };
    const workflow = await currentWorkflow(this.env, run);
    if (!workflow) {
      await setRunStatus(this.env, run, "skipped", { reason: "The workflow was disabled or deleted before the run started", finishedAt: Date.now() });
      return { status: "skipped" };
    }
    await setRunStatus(this.env, run, "running", { startedAt: run.startedAt ?? Date.now() });
    const state: RunState = { env: this.env, run, workflow, step, done: await stepLogs(db, run.id), position: 0 };
    try {
      await runActions(state, run.definition.actions);
    } catch (err) {
      if (err instanceof RunStopped) {
        await setRunStatus(this.env, run, "skipped", { reason: err.message, finishedAt: Date.now() });
        return { status: "skipped" };
      }
      const reason = err instanceof StepFailed ? `Step "${err.stepKey}" failed: ${err.message}` : String(err instanceof Error ? err.message : err);
      const failed = await setRunStatus(this.env, run, "failed", { reason, finishedAt: Date.now() });
      await alertRunFailed(this.env, workflow, failed ?? run, reason);
      return { status: "failed" };
    }
    await setRunStatus(this.env, run, "succeeded", { finishedAt: Date.now() });
    return { status: "succeeded" };
  }
}

/** The workflow as it is now, if it may still run: a disabled or deleted workflow stops its runs. */
async function currentWorkflow(env: Env, run: AutomationRun): Promise<AutomationWorkflow | null> {
  const row = await orgDb(env, run.orgId)
    .select()
    .from(automationWorkflows)
    .where(and(eq(automationWorkflows.orgId, run.orgId), eq(automationWorkflows.id, run.workflowId)))
    .get();
  return row?.enabled ? row : null;
}

async function authority(state: RunState) {
  const { run, workflow } = state;
  const auth = await ownerAuthority(orgDb(state.env, run.orgId), run.orgId, workflow.ownerId, runOrigin(workflow.id, run.id, run.origin));
  if (!auth) throw new StepFailed("owner", "The workflow's owner is no longer a member of the organization");
  return auth;
}

/** The run's record, fresh, as the owner may see it; null for schedules and deleted records. */
async function freshRecord(state: RunState) {
  const { run } = state;
  if (!run.entity || !run.recordId || run.event.type.endsWith(".deleted")) return null;
  return readRecord(orgDb(state.env, run.orgId), await authority(state), run.entity as EventEntity, run.recordId);
}

async function runActions(state: RunState, actions: WorkflowAction[]): Promise<void> {
  for (const action of actions) {
    const position = state.position++;
    if (action.type === "branch") await runBranch(state, action, position);
    else if (action.type === "wait") await runWait(state, action, position);
    else await runStep(state, action, position);
  }
}

async function runStep(state: RunState, action: WorkflowAction, position: number) {
  const { env, run, workflow } = state;
  if (state.done.get(action.id)?.status === "succeeded") return;
  const db = orgDb(env, run.orgId);
  await recordStep(db, run, action.id, { actionType: action.type, position, status: "running", input: action, startedAt: Date.now() });
  try {
    const output = await state.step.do(action.id, STEP_RETRIES, async () => {
      await countAttempt(db, run.id, action.id);
      try {
        const actor = await authority(state);
        const record = await freshRecord(state);
        const output = await runAction(
          { env, orgId: run.orgId, workflow, run: { id: run.id, attempt: run.attempt }, stepKey: action.id, event: run.event, record, actor, requestId: runRequestId(workflow.id, run.id) },
          action,
        );
        // Step results are stored by Workflows as structured clones; the run log keeps them as JSON.
        return JSON.parse(JSON.stringify(output)) as Record<string, string>;
      } catch (err) {
        if (isPermanent(err) || err instanceof StepFailed) throw new NonRetryableError(err instanceof Error ? err.message : String(err));
        throw err;
      }
    });
    await recordStep(db, run, action.id, { actionType: action.type, position, status: "succeeded", output, error: null, finishedAt: Date.now() });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await recordStep(db, run, action.id, { actionType: action.type, position, status: "failed", error: message, finishedAt: Date.now() });
    throw new StepFailed(action.id, message);
  }
}

async function runBranch(state: RunState, action: Extract<WorkflowAction, { type: "branch" }>, position: number) {
  const { env, run } = state;
  const db = orgDb(env, run.orgId);
  const decided = (["then", "else"] as const).find((side) => state.done.get(`${action.id}.${side}`)?.status === "succeeded");
  let side = decided;
  if (!side) {
    side = await state.step.do(`${action.id}.decide`, STEP_RETRIES, async () => {
      try {
        const record = await freshRecord(state);
        const linked = run.entity ? await loadLinked(db, run.orgId, run.entity as EventEntity, record, linksUsed(action.condition)) : {};
        return evaluateGroup(action.condition, { record, previous: run.event.previous, linked }).matches ? ("then" as const) : ("else" as const);
      } catch (err) {
        if (isPermanent(err) || err instanceof StepFailed) throw new NonRetryableError(err instanceof Error ? err.message : String(err));
        throw err;
      }
    }).catch(async (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      await recordStep(db, run, action.id, { actionType: "branch", position, status: "failed", error: message, finishedAt: Date.now() });
      throw new StepFailed(action.id, message);
    });
    const now = Date.now();
    await recordStep(db, run, `${action.id}.${side}`, { actionType: "branch", position, status: "succeeded", input: action.condition, output: { branch: side }, error: null, startedAt: now, finishedAt: now });
  }
  await runActions(state, side === "then" ? action.then : action.else);
}

async function runWait(state: RunState, action: Extract<WorkflowAction, { type: "wait" }>, position: number) {
  const { env, run } = state;
  if (state.done.get(action.id)?.status === "succeeded") return;
  const db = orgDb(env, run.orgId);
  let until: number;
  if (action.mode === "delay") {
    const started = state.done.get(action.id)?.startedAt ?? Date.now();
    until = started + action.minutes * 60_000;
  } else {
    const record = await freshRecord(state).catch((err: unknown) => {
      throw new StepFailed(action.id, err instanceof Error ? err.message : String(err));
    });
    until = dateOf(record?.[action.field]) + (action.offsetMinutes ?? 0) * 60_000;
    if (!Number.isFinite(until)) {
      await recordStep(db, run, action.id, { actionType: "wait", position, status: "failed", error: `The record has no date in "${action.field}"`, finishedAt: Date.now() });
      throw new StepFailed(action.id, `The record has no date in "${action.field}"`);
    }
  }
  const existing = state.done.get(action.id);
  await recordStep(db, run, action.id, { actionType: "wait", position, status: "waiting", input: { ...action, until }, startedAt: existing?.startedAt ?? Date.now() });
  await setRunStatus(env, run, "waiting");
  await state.step.sleepUntil(action.id, new Date(Math.max(until, Date.now())));
  await recordStep(db, run, action.id, { actionType: "wait", position, status: "succeeded", output: { waitedUntil: until }, finishedAt: Date.now() });
  if (!(await currentWorkflow(env, run))) throw new RunStopped("The workflow was disabled while the run waited");
  await setRunStatus(env, run, "running");
}

/** A date field's value as epoch ms: timestamps (ms) or ISO dates ("2026-03-01", read as UTC midnight). */
function dateOf(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value) return Date.parse(value);
  return Number.NaN;
}
