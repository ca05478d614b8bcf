import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { memberships, organizations, type DomainEvent, type EventEntity, type WorkflowAction } from "../../../schema";
import type { AuthContext } from "../../../worker/platform/env";
import { newId } from "../../../worker/platform/ids";
import { runAction, type ActionContext } from "../../../worker/automation/workflows/actions/action-registry";
import { registerWorkflowActions } from "../../../worker/automation/workflows/actions/workflow-actions";
import type { Account } from "../../helpers";
import { testDb } from "../../record-helpers";

// The automation index registers them when the Worker loads; a fixture that runs actions alone says so itself.
registerWorkflowActions();

/**
 * A real ActionContext for one step of a run of a workflow owned by
 * `owner`: the owner's live role and the organization's visibility rule,
 * with the origin a workflow's changes carry.
 */
export async function actionContext(
  owner: Account,
  entity: EventEntity,
  record: Record<string, unknown> & { id: string },
  options: { stepKey?: string; workflowId?: string; runId?: string; type?: DomainEvent["type"] } = {},
): Promise<ActionContext> {
  const db = testDb();
  const membership = await db.select().from(memberships).where(and(eq(memberships.orgId, owner.orgId), eq(memberships.userId, owner.userId))).get();
  const org = await db.select().from(organizations).where(eq(organizations.id, owner.orgId)).get();
  const workflowId = options.workflowId ?? newId();
  const runId = options.runId ?? newId();
  const origin = { workflowId, runId, chain: [workflowId] };
  const actor: AuthContext = {
    userId: owner.userId,
    orgId: owner.orgId,
    role: membership!.role,
    sessionId: `workflow:${workflowId}`,
    recordVisibility: org!.settings.recordVisibility ?? "all",
    origin,
  };
  const event: DomainEvent = {
    id: newId(),
    orgId: owner.orgId,
    type: options.type ?? (`${entity}.updated` as DomainEvent["type"]),
    entity,
    entityId: record.id,
    actorId: owner.userId,
    record,
    previous: null,
    changed: [],
    origin: null,
    context: null,
    occurredAt: Date.now(),
  };
  return {
    env,
    orgId: owner.orgId,
    workflow: { id: workflowId, name: "Test workflow", ownerId: owner.userId },
    run: { id: runId, attempt: 1 },
    stepKey: options.stepKey ?? "step-1",
    event,
    record,
    actor,
    requestId: `workflow:${workflowId}:${runId}`,
  };
}

/** Runs one action as a step; `id` is the step key. */
export const run = (ctx: ActionContext, action: WorkflowAction) => runAction({ ...ctx, stepKey: action.id }, action);
