import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../lib/db";
import {
  createRouter,
  envelope,
  IdParam,
  jsonBody,
  jsonResponse,
  listEnvelope,
  metaOf,
  ok,
  paginationQuery,
  standardErrors,
} from "../lib/http";
import { sortParam } from "../lib/list";
import { requirePermission } from "../middleware/auth";
import {
  ACTIVITY_SORTS,
  createActivity,
  deleteActivity,
  DUE_FILTERS,
  getActivity,
  listActivities,
  updateActivity,
} from "../services/activities";
import { ClientId, Millis, optionalText, RecordRef, recordFields, recordInput } from "../services/record-schemas";
import { actorOf } from "../services/records";
import { ACTIVITY_TYPES } from "../../schema";

const tags = ["Activities"];
const security = [{ bearerAuth: [] }];

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

const CreateBody = z
  .object({ id: ClientId.optional(), type: z.enum(ACTIVITY_TYPES), subject: z.string().trim().min(1).max(300), ...fields })
  .strict();
const UpdateBody = z
  .object({ type: z.enum(ACTIVITY_TYPES).optional(), subject: z.string().trim().min(1).max(300).optional(), ...fields })
  .strict();

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Activities, filtered by link, owner, type, done and due date",
    description:
      "`due=overdue`: not done and due before now. `due=today`: due today in the organization's time zone. " +
      "`due=upcoming`: due after today. Combine with `done=false` to hide finished ones.",
    middleware: [requirePermission("records:read")] as const,
    request: {
      query: z.object({
        ...paginationQuery,
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
      }),
    },
    responses: { 200: jsonResponse(listEnvelope(ActivitySchema), "Activities"), ...standardErrors },
  }),
  create: createRoute({
    method: "post",
    path: "/",
    tags,
    security,
    summary: "Log an activity or create a task",
    middleware: [requirePermission("records:write")] as const,
    request: jsonBody(CreateBody),
    responses: {
      201: jsonResponse(envelope(ActivitySchema), "Created"),
      ...standardErrors,
      409: jsonResponse(z.any(), "The client-supplied id is taken"),
    },
  }),
  get: createRoute({
    method: "get",
    path: "/{id}",
    tags,
    security,
    summary: "One activity",
    middleware: [requirePermission("records:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(ActivitySchema), "Activity"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    security,
    summary: "Change an activity; `done: true` completes a task",
    middleware: [requirePermission("records:write")] as const,
    request: { params: IdParam, ...jsonBody(UpdateBody) },
    responses: { 200: jsonResponse(envelope(ActivitySchema), "Updated"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    security,
    summary: "Delete an activity",
    middleware: [requirePermission("records:delete")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
};

export const activityRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { orgId } = c.get("auth");
    const { rows, total } = await listActivities(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), {
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
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await createActivity(orgDb(c.env, orgId), orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { orgId } = c.get("auth");
    return ok(c, await getActivity(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const activity = await updateActivity(orgDb(c.env, orgId), orgId, actor, c.req.valid("param").id, c.req.valid("json"));
    return ok(c, activity, { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    await deleteActivity(orgDb(c.env, orgId), orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Activity deleted" });
  });
