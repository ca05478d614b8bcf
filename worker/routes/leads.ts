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
  createLead,
  deleteLead,
  getLead,
  LEAD_SORTS,
  listLeads,
  updateLead,
} from "../services/leads";
import { ClientId, leadFields, csvResponse, recordFields, recordFilters, recordInput } from "../services/record-schemas";
import { csvHeaders, exportCsv } from "../services/csv-export";
import { actorOf } from "../services/records";
import { LEAD_STATUSES } from "../../schema";

const tags = ["Leads"];
const security = [{ bearerAuth: [] }];

export const LeadSchema = z
  .object({
    ...recordFields,
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    title: z.string().nullable(),
    companyName: z.string().nullable(),
    source: z.string().nullable(),
    status: z.enum(LEAD_STATUSES),
    score: z.number().int().nullable(),
    notes: z.string().nullable(),
    convertedAt: z.number().int().nullable(),
    convertedContactId: z.string().nullable(),
    convertedCompanyId: z.string().nullable(),
    convertedDealId: z.string().nullable(),
  })
  .openapi("Lead");

const CreateBody = z.object({ id: ClientId.optional(), ...leadFields, ...recordInput }).strict();
const UpdateBody = z.object({ ...leadFields, firstName: leadFields.firstName.optional(), ...recordInput }).strict();

const filters = {
  ...recordFilters,
  sort: sortParam(LEAD_SORTS, "-createdAt"),
  status: z.enum(LEAD_STATUSES).optional(),
  source: z.string().trim().min(1).max(100).optional(),
};

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Leads, filtered, sorted and paginated (newest first by default)",
    middleware: [requirePermission("records:read")] as const,
    request: {
      query: z.object({ ...paginationQuery, ...filters }),
    },
    responses: { 200: jsonResponse(listEnvelope(LeadSchema), "Leads"), ...standardErrors },
  }),
  exportCsv: createRoute({
    method: "get",
    path: "/export.csv",
    tags,
    security,
    summary: "The filtered list as CSV, streamed (re-imports as it is through POST /api/imports)",
    middleware: [requirePermission("records:read")] as const,
    request: { query: z.object(filters) },
    responses: { 200: csvResponse("Leads as CSV"), ...standardErrors },
  }),
  create: createRoute({
    method: "post",
    path: "/",
    tags,
    security,
    summary: "Create a lead",
    middleware: [requirePermission("records:write")] as const,
    request: jsonBody(CreateBody),
    responses: {
      201: jsonResponse(envelope(LeadSchema), "Created"),
      ...standardErrors,
      409: jsonResponse(z.any(), "The client-supplied id is taken"),
    },
  }),
  get: createRoute({
    method: "get",
    path: "/{id}",
    tags,
    security,
    summary: "One lead",
    middleware: [requirePermission("records:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(LeadSchema), "Lead"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    security,
    summary: "Change some fields of a lead (null clears an optional field; status never becomes converted here)",
    middleware: [requirePermission("records:write")] as const,
    request: { params: IdParam, ...jsonBody(UpdateBody) },
    responses: {
      200: jsonResponse(envelope(LeadSchema), "Updated"),
      ...standardErrors,
      409: jsonResponse(z.any(), "The lead is converted; its status is final"),
    },
  }),
  remove: createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    security,
    summary: "Delete a lead; its activities stay, unlinked",
    middleware: [requirePermission("records:delete")] as const,
    request: { params: IdParam },
    responses: {
      200: jsonResponse(envelope(z.null()), "Deleted"),
      ...standardErrors,
      409: jsonResponse(z.any(), "Deals are linked to the lead"),
    },
  }),
};

export const leadRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { orgId } = c.get("auth");
    const { rows, total } = await listLeads(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), {
      page: q.page,
      perPage: q.per_page,
      sort: q.sort,
      q: q.q,
      status: q.status,
      ownerId: q.ownerId,
      tag: q.tag,
      source: q.source,
    });
    return ok(c, rows, { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.exportCsv, async (c) => {
    const { orgId } = c.get("auth");
    const stream = exportCsv(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), { resource: "leads", query: c.req.valid("query") });
    return c.body(stream, 200, csvHeaders("leads"));
  })
  .openapi(routes.create, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await createLead(orgDb(c.env, orgId), orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { orgId } = c.get("auth");
    return ok(c, await getLead(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const lead = await updateLead(orgDb(c.env, orgId), orgId, actor, c.req.valid("param").id, c.req.valid("json"));
    return ok(c, lead, { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    await deleteLead(orgDb(c.env, orgId), orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Lead deleted" });
  });
