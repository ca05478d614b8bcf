import type { Env, AuthContext } from "../../../platform/env";
import { AppError } from "../../../platform/errors";
import type { AutomationRun, AutomationWorkflow, DomainEvent, WorkflowAction, WorkflowActionType } from "../../../../schema";

/**
 * What one action step gets from the run: the triggering event, the record
 * as it is now, and the workflow owner's live authority. Actions go through
 * the features' services with `actor`, so they can do only what the owner may,
 * and the changes they make raise events carrying `actor.origin`.
 */
export interface ActionContext {
  env: Env;
  orgId: string;
  workflow: Pick<AutomationWorkflow, "id" | "name" | "ownerId">;
  run: Pick<AutomationRun, "id" | "attempt">;
  stepKey: string;
  event: DomainEvent;
  /** The triggering record re-read at this step in its REST shape; null for schedules and deleted records. */
  record: Record<string, unknown> | null;
  actor: AuthContext;
  /** Audit rows carry it: `workflow:<workflowId>:<runId>`. */
  requestId: string;
}

/** What the run log shows as the step's output (ids of what was made, fields set, …). */
export type ActionOutput = Record<string, unknown>;

export type ActionExecutor<T extends WorkflowActionType = WorkflowActionType> = (
  ctx: ActionContext,
  action: Extract<WorkflowAction, { type: T }>,
) => Promise<ActionOutput>;

/** An executor typed for its action; `registerWorkflowActions` (workflow-actions.ts) registers them all. */
export interface TypedExecutor<T extends WorkflowActionType = WorkflowActionType> {
  type: T;
  executor: ActionExecutor<T>;
}

export const actionExecutor = <T extends WorkflowActionType>(type: T, executor: ActionExecutor<T>): TypedExecutor<T> => ({ type, executor });

const executors = new Map<WorkflowActionType, ActionExecutor<never>>();

/** Each action registers beside its implementation; `wait` and `branch` are the runner's own control flow. */
export function registerAction<T extends WorkflowActionType>(type: T, executor: ActionExecutor<T>): void {
  executors.set(type, executor as unknown as ActionExecutor<never>);
}

export async function runAction(ctx: ActionContext, action: WorkflowAction): Promise<ActionOutput> {
  const executor = executors.get(action.type) as ActionExecutor | undefined;
  if (!executor) throw new AppError("validation_error", `No executor for the action "${action.type}"`);
  return executor(ctx, action as never);
}
