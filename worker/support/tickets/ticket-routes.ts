import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import { sortParam } from "../../platform/list";
import { requirePermission } from "../../platform/auth-middleware";
import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES } from "../../../schema";
import { listComments } from "./ticket-comments";
import { publicTicket } from "./ticket-events";
import { SLA_STATES } from "../../../schema";
import { changeTicket, openTicket, removeTicket } from "./ticket-flow";
import { listTickets, TICKET_SORTS, type TicketQuery } from "./ticket-query";
import { getView } from "./ticket-views";
import { requireVisibleTicket } from "./ticket-visibility";
import { checkHistoryTime, HistoryTime, multiEnum, SECURITY, supportScope, TicketDetailSchema, TicketSchema } from "./ticket-schemas";

const tags = ["Support tickets"];
const security = SECURITY;

const Tags = z.array(z.string().trim().min(1).max(50)).max(20);
const ticketFields = {
  subject: z.string().trim().min(1).max(300),
  description: z.string().max(50_000),
  status: z.enum(TICKET_STATUSES),
  priority: z.enum(TICKET_PRIORITIES),
  channel: z.enum(TICKET_CHANNELS),
  contactId: z.string().min(1).max(64).nullable(),
  requesterEmail: z.email().max(254).nullable(),
  requesterName: z.string().max(200).nullable(),
  assigneeId: z.string().min(1).max(64).nullable(),
  teamId: z.string().min(1).max(64).nullable(),
  tags: Tags,
  dueAt: z.number().int().min(0).nullable(),
};

const CreateBody = z
  .object({ ...ticketFields, subject: ticketFields.subject, createdAt: HistoryTime })
  .partial()
  .required({ subject: true })
  .strict()
  .openapi("TicketCreate");
/** A PATCH body as REST validates it; workflow actions setting fields validate the same way. */
export const UpdateBody = z.object({ ...ticketFields, at: HistoryTime }).partial().strict().openapi("TicketUpdate");

const ListQuery = z.object({
  ...paginationQuery,
  sort: sortParam(TICKET_SORTS, "-updatedAt"),
  view: z.string().min(1).max(64).optional().openapi({ description: "A saved view's id (built-in: my-open, breaching-soon, unassigned); other filters given override it" }),
  status: multiEnum(TICKET_STATUSES),
  priority: multiEnum(TICKET_PRIORITIES),
  channel: multiEnum(TICKET_CHANNELS),
  assigneeId: z.string().min(1).max(64).optional().openapi({ description: "A member id, `me` or `unassigned`" }),
  teamId: z.string().min(1).max(64).optional(),
  contactId: z.string().min(1).max(64).optional(),
  sla: z.enum(SLA_STATES).optional(),
  tag: z.string().min(1).max(50).optional(),
  q: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "Words matched as prefixes in subject, description, requester, number and the conversation (replies and notes); ranked by relevance unless `sort` is given" }),
});

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Tickets, filtered, sorted and paginated; each with its live SLA state",
    middleware: [requirePermission("tickets:read")] as const,
    request: { query: ListQuery },
    responses: { 200: jsonResponse(listEnvelope(TicketSchema), "Tickets"), ...standardErrors },
  }),
  create: createRoute({
    method: "post",
    path: "/",
    tags,
    security,
    summary: "Open a ticket; a team with an automatic rule assigns it to an available agent",
    middleware: [requirePermission("tickets:write")] as const,
    request: jsonBody(CreateBody),
    responses: { 201: jsonResponse(envelope(TicketSchema), "Created"), ...standardErrors },
  }),
  get: createRoute({
    method: "get",
    path: "/{id}",
    tags,
    security,
    summary: "One ticket with its conversation (`comments`, oldest first) and attachments",
    middleware: [requirePermission("tickets:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(TicketDetailSchema), "Ticket"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    security,
    summary: "Change fields, status (solved stamps solvedAt; reopening clears it) or assignee",
    middleware: [requirePermission("tickets:write")] as const,
    request: { params: IdParam, ...jsonBody(UpdateBody) },
    responses: { 200: jsonResponse(envelope(TicketSchema), "Updated"), 409: jsonResponse(z.any(), "The ticket is closed"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    security,
    summary: "Delete a ticket with its conversation and files",
    middleware: [requirePermission("tickets:delete")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
};

export const supportTicketRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, orgId, userId, auth } = supportScope(c);
    const { view, page, per_page, ...given } = c.req.valid("query");
    const base = view ? (await getView(db, orgId, userId, view)).filters : {};
    const explicit = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
    const sortGiven = new URL(c.req.url).searchParams.has("sort");
    // The list's own default sort yields to a view's sort unless `sort` was given.
    if (view && !sortGiven) delete explicit.sort;
    const q = { ...base, ...explicit, page, perPage: per_page } as TicketQuery;
    // A text search without a chosen order lists the best matches first.
    if (q.q?.trim() && !sortGiven && !base.sort) q.sort = "relevance";
    q.sort ??= "-updatedAt";
    const { rows, total } = await listTickets(db, orgId, auth, q);
    return ok(c, rows, { meta: metaOf(page, per_page, total) });
  })
  .openapi(routes.create, async (c) => {
    const { orgId, actor } = supportScope(c);
    checkHistoryTime(c, "createdAt", c.req.valid("json").createdAt);
    const ticket = await openTicket(c.env, orgId, actor, c.req.valid("json"));
    return ok(c, publicTicket(ticket), { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId, auth } = supportScope(c);
    const ticket = await requireVisibleTicket(db, orgId, auth, c.req.valid("param").id);
    const { comments, attachments } = await listComments(db, orgId, ticket.id);
    return ok(c, { ...publicTicket(ticket), comments, attachments });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor, auth } = supportScope(c);
    const { at } = c.req.valid("json");
    const current = await requireVisibleTicket(db, orgId, auth, c.req.valid("param").id);
    if (at !== undefined) checkHistoryTime(c, "at", at, current.createdAt);
    const ticket = await changeTicket(c.env, orgId, actor, c.req.valid("param").id, c.req.valid("json"));
    return ok(c, publicTicket(ticket));
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor, auth } = supportScope(c);
    await requireVisibleTicket(db, orgId, auth, c.req.valid("param").id);
    await removeTicket(c.env, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { message: "Ticket deleted" });
  });
