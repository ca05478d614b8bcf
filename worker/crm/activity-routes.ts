import { z } from "@hono/zod-openapi";
import { createRouter, metaOf, ok } from "../platform/http";
import { sortParam } from "../platform/list";
import {
  ACTIVITY_SORTS,
  createActivity,
  deleteActivity,
  DUE_FILTERS,
  getActivity,
  listActivities,
  updateActivity,
} from "./activities";
import { publishActivityChanged } from "./activity-events";
import { ClientId, Millis, optionalText, RecordRef, recordFields, recordInput } from "./records/record-schemas";
import { ACTIVITY_TYPES } from "../../schema";

/** Payments reach the timeline from billing only; nobody logs or retypes one by hand. */
const ManualActivityType = z.enum(ACTIVITY_TYPES).exclude(["payment"]);
import { recordRoutes, requestScope } from "./records/record-routes";

export const ActivitySchema = z
  .object({
    ...recordFields,
    type: z.enum(ACTIVITY_TYPES),
    subject: z.string(),
    body: z.string().nullable(),
    dueAt: z.number().int().nullable(),
    doneAt: z.number().int().nullable(),
    dealId: z.string().nullable(),
    contactId: z.string().nullable(),
    leadId: z.string().nullable(),
    companyId: z.string().nullable(),
  })
  .openapi("Activity", {
    description: "A note, task, call, email or meeting, linked to any of a deal, contact, lead and company, or to none (a personal to-do).",
  });

const Ref = z.string().min(1).max(64).optional();

const fields = {
  body: optionalText(20_000),
  dueAt: Millis.nullable().optional().openapi({ description: "Epoch milliseconds" }),
  doneAt: Millis.nullable().optional().openapi({ description: "Epoch milliseconds; null reopens" }),
  done: z.boolean().optional().openapi({ description: "Shorthand for doneAt: true marks it done now, false reopens it" }),
  dealId: RecordRef.nullable().optional(),
  contactId: RecordRef.nullable().optional(),
  leadId: RecordRef.nullable().optional(),
  companyId: RecordRef.nullable().optional(),
  ...recordInput,
};

const routes = recordRoutes({
  tag: "Activities",
  name: "Activity",
  schema: ActivitySchema,
  detailSchema: ActivitySchema,
  listSchema: ActivitySchema.extend({
    dealTitle: z.string().nullable(),
    contactName: z.string().nullable(),
    leadName: z.string().nullable(),
    companyName: z.string().nullable(),
  })
    .openapi({ description: "Linked records' names are null when there is no link or you may not see it" })
    .openapi("ActivityRow"),
  listFilters: {
    sort: sortParam(ACTIVITY_SORTS, "-createdAt"),
    dealId: Ref,
    contactId: Ref,
    leadId: Ref,
    companyId: Ref,
    ownerId: Ref,
    type: z.enum(ACTIVITY_TYPES).optional(),
    tag: z.string().trim().min(1).max(40).optional(),
    done: z.enum(["true", "false"]).optional(),
    due: z.enum(DUE_FILTERS).optional(),
  },
  createBody: z
    .object({ id: ClientId.optional(), type: ManualActivityType, subject: z.string().trim().min(1).max(300), ...fields })
    .strict(),
  updateBody: z
    .object({ type: ManualActivityType.optional(), subject: z.string().trim().min(1).max(300).optional(), ...fields })
    .strict(),
  summaries: {
    list: "Activities, filtered by link, owner, type, done and due date",
    create: "Log an activity or create a task",
    get: "One activity",
    update: "Change an activity; `done: true` completes a task",
    remove: "Delete an activity",
  },
  listDescription:
    "`due=overdue`: not done and due before now. `due=today`: due today in the organization's time zone. " +
    "`due=upcoming`: due after today. Combine with `done=false` to hide finished ones.",
});

export const activityRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { db, orgId, actor } = requestScope(c);
    const { rows, total } = await listActivities(db, orgId, actor, {
      page: q.page,
      perPage: q.per_page,
      sort: q.sort,
      dealId: q.dealId,
      contactId: q.contactId,
      leadId: q.leadId,
      companyId: q.companyId,
      ownerId: q.ownerId,
      type: q.type,
      tag: q.tag,
      done: q.done === undefined ? undefined : q.done === "true",
      due: q.due,
    });
    return ok(c, rows, { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.create, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    const created = await createActivity(db, orgId, actor, c.req.valid("json"));
    await publishActivityChanged(c.env, db, orgId, actor, "created", created);
    return ok(c, created, { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await getActivity(db, orgId, actor, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    const { id } = c.req.valid("param");
    const before = await getActivity(db, orgId, actor, id);
    const updated = await updateActivity(db, orgId, actor, id, c.req.valid("json"));
    if (updated.updatedAt !== before.updatedAt) await publishActivityChanged(c.env, db, orgId, actor, "updated", updated, before.ownerId);
    return ok(c, updated, { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    const { id } = c.req.valid("param");
    const gone = await getActivity(db, orgId, actor, id);
    await deleteActivity(db, orgId, actor, id);
    await publishActivityChanged(c.env, db, orgId, actor, "deleted", gone);
    return ok(c, null, { status: 200, message: "Activity deleted" });
  });
