import { and, eq, inArray, sql } from "drizzle-orm";
import { notify } from "../../../notifications";
import { getTeam } from "../../../support";
import { orgDb } from "../../../platform/db";
import { AppError } from "../../../platform/errors";
import { memberships, notifications, type NotifyRecipient } from "../../../../schema";
import { actionExecutor, type ActionContext } from "./action-registry";
import { recordPath } from "./action-records";
import { renderTemplate, templateScope } from "./action-templates";

/**
 * `notify`: an in-app notification (`workflow_notification`, linking to the
 * record's page) to chosen members, everyone with a role, a support team's
 * members or the record's owner. Only current members receive it; a member
 * already notified by this step (a retried step) is not notified twice.
 */
export const WORKFLOW_NOTIFICATION = "workflow_notification";

const OWNER_FIELDS = ["ownerId", "assigneeId", "agentUserId"] as const;

async function recipientIds(ctx: ActionContext, recipients: NotifyRecipient[]): Promise<string[]> {
  const db = orgDb(ctx.env, ctx.orgId);
  const record = ctx.record ?? ctx.event.record ?? {};
  const ids: string[] = [];
  for (const recipient of recipients) {
    if (recipient.kind === "user") ids.push(recipient.userId);
    else if (recipient.kind === "record_owner") {
      const owner = OWNER_FIELDS.map((f) => record[f]).find((v): v is string => typeof v === "string" && v.length > 0);
      if (owner) ids.push(owner);
    } else if (recipient.kind === "team") ids.push(...(await getTeam(db, ctx.orgId, recipient.teamId)).memberIds);
    else {
      const rows = await db.select({ userId: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, ctx.orgId), eq(memberships.role, recipient.role))).all();
      ids.push(...rows.map((r) => r.userId));
    }
  }
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return [];
  const members = await db.select({ userId: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, ctx.orgId), inArray(memberships.userId, wanted))).all();
  const present = new Set(members.map((m) => m.userId));
  return wanted.filter((id) => present.has(id));
}

async function alreadyNotified(ctx: ActionContext): Promise<Set<string>> {
  const rows = await orgDb(ctx.env, ctx.orgId)
    .select({ userId: notifications.userId })
    .from(notifications)
    .where(
      and(
        eq(notifications.orgId, ctx.orgId),
        eq(notifications.type, WORKFLOW_NOTIFICATION),
        sql`json_extract(${notifications.data}, '$.runId') = ${ctx.run.id}`,
        sql`json_extract(${notifications.data}, '$.stepKey') = ${ctx.stepKey}`,
      ),
    )
    .all();
  return new Set(rows.map((r) => r.userId));
}

export const notifyAction = actionExecutor("notify", async (ctx, action) => {
  const userIds = await recipientIds(ctx, action.recipients);
  if (userIds.length === 0) throw new AppError("validation_error", "Nobody to notify: none of the recipients is a member of the organization");
  const scope = await templateScope(ctx);
  const title = renderTemplate(action.title, scope).trim() || ctx.workflow.name;
  const body = action.body ? renderTemplate(action.body, scope) : null;
  const hasRecord = Boolean(ctx.event.entityId) && !ctx.event.type.endsWith(".deleted");
  const link = hasRecord ? recordPath(ctx.event.entity, ctx.event.entityId) : null;
  const data = { workflowId: ctx.workflow.id, runId: ctx.run.id, stepKey: ctx.stepKey, entity: ctx.event.entity, recordId: ctx.event.entityId };
  // Emails are de-duplicated by this key, so a retried step never mails a member twice either.
  const eventKey = `workflow:${ctx.run.id}:${ctx.stepKey}`;
  const done = await alreadyNotified(ctx);
  for (const userId of userIds) {
    if (!done.has(userId)) await notify(ctx.env, ctx.orgId, userId, { type: WORKFLOW_NOTIFICATION, title, body, link, data, eventKey });
  }
  return { notified: userIds, title, link };
});
