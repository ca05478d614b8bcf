import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES } from "../../../schema";
import { SLA_STATES } from "../../../schema";
import { TICKET_SORTS } from "./ticket-query";
import { createView, deleteView, listViews, updateView } from "./ticket-views";
import { SECURITY, supportScope } from "./ticket-schemas";

const tags = ["Support views"];
const security = SECURITY;

const sorts = TICKET_SORTS.flatMap((s) => [s, `-${s}`]) as [string, ...string[]];
const FiltersSchema = z
  .object({
    status: z.array(z.enum(TICKET_STATUSES)).max(6).optional(),
    priority: z.array(z.enum(TICKET_PRIORITIES)).max(4).optional(),
    channel: z.array(z.enum(TICKET_CHANNELS)).max(4).optional(),
    assigneeId: z.string().min(1).max(64).optional().openapi({ description: "A member id, `me` or `unassigned`" }),
    teamId: z.string().min(1).max(64).optional(),
    sla: z.enum(SLA_STATES).optional(),
    tag: z.string().min(1).max(50).optional(),
    q: z.string().max(200).optional(),
    sort: z.enum(sorts).optional(),
  })
  .strict()
  .openapi("TicketViewFilters");

const ViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    builtIn: z.boolean(),
    filters: FiltersSchema,
    userId: z.string().optional(),
    createdAt: z.number().int().optional(),
    updatedAt: z.number().int().optional(),
  })
  .openapi("TicketView");

const Body = z.object({ name: z.string().trim().min(1).max(100), filters: FiltersSchema }).strict();

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Saved ticket views: the built-in ones, then your own. Use one with GET /api/support/tickets?view=<id>",
    middleware: [requirePermission("tickets:read")] as const,
    responses: { 200: jsonResponse(envelope(z.array(ViewSchema)), "Views"), ...standardErrors },
  }),
  create: createRoute({
    method: "post",
    path: "/",
    tags,
    security,
    summary: "Save a view (only you see it)",
    middleware: [requirePermission("tickets:read")] as const,
    request: jsonBody(Body),
    responses: { 201: jsonResponse(envelope(ViewSchema), "Created"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    security,
    summary: "Rename a view or change its filters",
    middleware: [requirePermission("tickets:read")] as const,
    request: { params: IdParam, ...jsonBody(Body.partial()) },
    responses: { 200: jsonResponse(envelope(ViewSchema), "Updated"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    security,
    summary: "Delete one of your views",
    middleware: [requirePermission("tickets:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
};

export const supportViewRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, orgId, userId } = supportScope(c);
    return ok(c, await listViews(db, orgId, userId));
  })
  .openapi(routes.create, async (c) => {
    const { db, orgId, actor } = supportScope(c);
    return ok(c, await createView(db, orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = supportScope(c);
    return ok(c, await updateView(db, orgId, actor, c.req.valid("param").id, c.req.valid("json")));
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = supportScope(c);
    await deleteView(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { message: "View deleted" });
  });
