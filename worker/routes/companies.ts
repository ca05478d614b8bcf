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
  COMPANY_SORTS,
  createCompany,
  deleteCompany,
  getCompany,
  listCompanies,
  updateCompany,
} from "../services/companies";
import { csvHeaders, exportCsv } from "../services/csv-export";
import { ClientId, companyFields, csvResponse, recordFields, recordFilters, recordInput } from "../services/record-schemas";
import { actorOf } from "../services/records";

const tags = ["Companies"];
const security = [{ bearerAuth: [] }];

export const CompanySchema = z
  .object({
    ...recordFields,
    name: z.string(),
    domain: z.string().nullable(),
    industry: z.string().nullable(),
    size: z.string().nullable(),
    phone: z.string().nullable(),
    website: z.string().nullable(),
    address: z.string().nullable(),
  })
  .openapi("Company");

const CompanyDetailSchema = CompanySchema.extend({
  counts: z.object({ contacts: z.number().int(), deals: z.number().int() }),
}).openapi("CompanyDetail");

const CreateBody = z.object({ id: ClientId.optional(), ...companyFields, ...recordInput }).strict();
const UpdateBody = z.object({ ...companyFields, name: companyFields.name.optional(), ...recordInput }).strict();

const conflictResponse = (description: string) => jsonResponse(z.any(), description);

const filters = { ...recordFilters, sort: sortParam(COMPANY_SORTS, "name") };

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Companies, filtered, sorted and paginated",
    middleware: [requirePermission("records:read")] as const,
    request: { query: z.object({ ...paginationQuery, ...filters }) },
    responses: { 200: jsonResponse(listEnvelope(CompanySchema), "Companies"), ...standardErrors },
  }),
  exportCsv: createRoute({
    method: "get",
    path: "/export.csv",
    tags,
    security,
    summary: "The filtered list as CSV, streamed (re-imports as it is through POST /api/imports)",
    middleware: [requirePermission("records:read")] as const,
    request: { query: z.object(filters) },
    responses: { 200: csvResponse("Companies as CSV"), ...standardErrors },
  }),
  create: createRoute({
    method: "post",
    path: "/",
    tags,
    security,
    summary: "Create a company",
    middleware: [requirePermission("records:write")] as const,
    request: jsonBody(CreateBody),
    responses: {
      201: jsonResponse(envelope(CompanySchema), "Created"),
      ...standardErrors,
      409: conflictResponse("The client-supplied id is taken"),
    },
  }),
  get: createRoute({
    method: "get",
    path: "/{id}",
    tags,
    security,
    summary: "One company, with counts of its contacts and deals",
    middleware: [requirePermission("records:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(CompanyDetailSchema), "Company"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    security,
    summary: "Change some fields of a company (null clears an optional field)",
    middleware: [requirePermission("records:write")] as const,
    request: { params: IdParam, ...jsonBody(UpdateBody) },
    responses: { 200: jsonResponse(envelope(CompanySchema), "Updated"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    security,
    summary: "Delete a company; its contacts and activities stay, unlinked",
    middleware: [requirePermission("records:delete")] as const,
    request: { params: IdParam },
    responses: {
      200: jsonResponse(envelope(z.null()), "Deleted"),
      ...standardErrors,
      409: conflictResponse("Deals are linked to the company"),
    },
  }),
};

export const companyRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { orgId } = c.get("auth");
    const { rows, total } = await listCompanies(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), {
      page: q.page,
      perPage: q.per_page,
      sort: q.sort,
      q: q.q,
      ownerId: q.ownerId,
      tag: q.tag,
    });
    return ok(c, rows, { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.exportCsv, async (c) => {
    const { orgId } = c.get("auth");
    const stream = exportCsv(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), { resource: "companies", query: c.req.valid("query") });
    return c.body(stream, 200, csvHeaders("companies"));
  })
  .openapi(routes.create, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await createCompany(orgDb(c.env, orgId), orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { orgId } = c.get("auth");
    const company = await getCompany(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), c.req.valid("param").id);
    return ok(c, company, { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const company = await updateCompany(orgDb(c.env, orgId), orgId, actor, c.req.valid("param").id, c.req.valid("json"));
    return ok(c, company, { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    await deleteCompany(orgDb(c.env, orgId), orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Company deleted" });
  });
