import { and, eq, inArray, sql } from "drizzle-orm";
import { orgDb } from "../../../platform/db";
import { AppError, invalid } from "../../../platform/errors";
import { automationAssignmentCursors, memberships } from "../../../../schema";
import { actionExecutor, type ActionContext } from "./action-registry";
import { recordAccess, targetOf, validPatch } from "./action-records";

/**
 * `assign_owner`: the record's owner (a ticket's assignee) becomes a fixed
 * member, the next one in a round robin, or the one holding the fewest open
 * records of that kind. Only current members of the organization are picked;
 * the change goes through the record's service, which refuses what the
 * workflow's owner may not do (an agent handing records to others).
 */

/** The listed people who are still members, in the listed order. */
async function activeMembers(ctx: ActionContext, userIds: string[]) {
  if (userIds.length === 0) return [];
  const rows = await orgDb(ctx.env, ctx.orgId)
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, ctx.orgId), inArray(memberships.userId, userIds)))
    .all();
  const present = new Set(rows.map((r) => r.userId));
  return [...new Set(userIds)].filter((id) => present.has(id));
}

const ROUND_ROBIN_TRIES = 5;

/**
 * The member after the cursor's, moving the cursor in the same statement only
 * if nobody moved it meanwhile (compare and set), so two runs at once never
 * pick the same member twice in a row.
 */
async function nextInTurn(ctx: ActionContext, candidates: string[]): Promise<string> {
  const db = orgDb(ctx.env, ctx.orgId);
  const key = and(
    eq(automationAssignmentCursors.orgId, ctx.orgId),
    eq(automationAssignmentCursors.workflowId, ctx.workflow.id),
    eq(automationAssignmentCursors.stepKey, ctx.stepKey),
  );
  for (let tries = 0; tries < ROUND_ROBIN_TRIES; tries++) {
    const cursor = await db.select({ lastUserId: automationAssignmentCursors.lastUserId }).from(automationAssignmentCursors).where(key).get();
    const last = cursor?.lastUserId ?? null;
    const next = candidates[(candidates.indexOf(last ?? "") + 1) % candidates.length]!;
    const now = Date.now();
    const moved = cursor
      ? await db
          .update(automationAssignmentCursors)
          .set({ lastUserId: next, updatedAt: now })
          .where(and(key, last === null ? sql`${automationAssignmentCursors.lastUserId} IS NULL` : eq(automationAssignmentCursors.lastUserId, last)))
          .returning({ lastUserId: automationAssignmentCursors.lastUserId })
      : await db
          .insert(automationAssignmentCursors)
          .values({ orgId: ctx.orgId, workflowId: ctx.workflow.id, stepKey: ctx.stepKey, lastUserId: next, updatedAt: now })
          .onConflictDoNothing()
          .returning({ lastUserId: automationAssignmentCursors.lastUserId });
    if (moved.length) return next;
  }
  throw new AppError("conflict", "Round-robin assignment kept racing with other runs; the step will be retried");
}

export const assignOwnerAction = actionExecutor("assign_owner", async (ctx, action) => {
  const { entity, id } = targetOf(ctx);
  const access = recordAccess(ctx, entity, "assign owners");
  const field = access.ownerField;
  if (!field) throw new AppError("validation_error", `A ${entity} has no owner a workflow can assign`);
  const record = await access.read(ctx, id);
  const listed = action.strategy === "fixed" ? [action.userId] : action.userIds;
  const candidates = await activeMembers(ctx, listed);
  if (candidates.length === 0) throw invalid({ userIds: ["None of the chosen people is a member of the organization any more"] }, "Nobody to assign");

  let userId: string;
  if (action.strategy === "fixed" || candidates.length === 1) userId = candidates[0]!;
  else if (action.strategy === "round_robin") userId = await nextInTurn(ctx, candidates);
  else {
    const load = await access.openLoad(ctx, candidates);
    userId = candidates.reduce((best, c) => ((load.get(c) ?? 0) < (load.get(best) ?? 0) ? c : best), candidates[0]!);
  }

  const previous = (record[field] as string | null | undefined) ?? null;
  if (previous !== userId) await access.update(ctx, id, validPatch(access, { [field]: userId }));
  return { entity, id, strategy: action.strategy, field, userId, previous };
});
