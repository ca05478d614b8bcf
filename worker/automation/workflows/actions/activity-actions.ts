import { and, eq } from "drizzle-orm";
import { createActivity, publishActivityChanged } from "../../../crm";
import { orgDb } from "../../../platform/db";
import { AppError, forbidden } from "../../../platform/errors";
import { can } from "../../../platform/permissions";
import { actorOf } from "../../../platform/records";
import { activities, type EventEntity } from "../../../../schema";
import { actionExecutor, type ActionContext } from "./action-registry";
import { readTarget, stepRecordId } from "./action-records";
import { renderTemplate, templateScope } from "./action-templates";

/**
 * `create_task` and `create_note`: an activity on the record's timeline,
 * created through the activities service as the workflow's owner (who must
 * be able to write records, and to give the task to someone else). Its id
 * is the step's own, so a retried step never adds a second one.
 */

const DAY_MS = 86_400_000;

const LINK_FIELD: Partial<Record<EventEntity, "dealId" | "contactId" | "leadId" | "companyId">> = {
  deal: "dealId",
  contact: "contactId",
  lead: "leadId",
  company: "companyId",
};

async function addActivity(
  ctx: ActionContext,
  input: { type: "task" | "note"; subject: string; body: string | null; dueAt: number | null; ownerId: (record: Record<string, unknown>) => string | null },
) {
  if (!can(ctx.actor.role, "records:write")) throw forbidden(`The workflow's owner (${ctx.actor.role}) may not add activities`);
  const { entity, id: recordId, record } = await readTarget(ctx);
  const link = LINK_FIELD[entity];
  if (!link) throw new AppError("validation_error", `Tasks and notes go on deals, contacts, leads and companies, not on a ${entity}`);
  const db = orgDb(ctx.env, ctx.orgId);
  const id = await stepRecordId(ctx);
  const existing = await db.select({ id: activities.id }).from(activities).where(and(eq(activities.orgId, ctx.orgId), eq(activities.id, id))).get();
  if (existing) return { activityId: id, entity, recordId, created: false };
  const actor = actorOf(ctx.actor, ctx.requestId);
  const ownerId = input.ownerId(record) ?? ctx.actor.userId;
  const created = await createActivity(db, ctx.orgId, actor, {
    id,
    type: input.type,
    subject: input.subject,
    body: input.body,
    dueAt: input.dueAt,
    [link]: recordId,
    ownerId,
  });
  await publishActivityChanged(ctx.env, db, ctx.orgId, actor, "created", created);
  return { activityId: id, entity, recordId, ownerId, created: true };
}

export const createTaskAction = actionExecutor("create_task", async (ctx, action) => {
  const scope = await templateScope(ctx);
  const subject = renderTemplate(action.title, scope).trim();
  if (!subject) throw new AppError("validation_error", "The task's title is empty once filled in");
  return addActivity(ctx, {
    type: "task",
    subject,
    body: action.body ? renderTemplate(action.body, scope) : null,
    dueAt: action.dueInDays === undefined ? null : Date.now() + action.dueInDays * DAY_MS,
    ownerId: (record) => (action.assignTo.kind === "user" ? action.assignTo.userId : ((record.ownerId as string | null | undefined) ?? null)),
  });
});

export const createNoteAction = actionExecutor("create_note", async (ctx, action) => {
  const scope = await templateScope(ctx);
  const body = renderTemplate(action.body, scope).trim();
  if (!body) throw new AppError("validation_error", "The note is empty once filled in");
  return addActivity(ctx, { type: "note", subject: body.split("\n")[0]!.slice(0, 200), body, dueAt: null, ownerId: () => ctx.actor.userId });
});
