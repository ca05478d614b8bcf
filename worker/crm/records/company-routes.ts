import { z } from "@hono/zod-openapi";
import { createRouter, metaOf, ok } from "../../platform/http";
import { sortParam } from "../../platform/list";
import {
  COMPANY_SORTS,
  createCompany,
  deleteCompany,
  getCompany,
  listCompanies,
  updateCompany,
} from "./companies";
import { csvHeaders, exportCsv } from "../imports/csv-export";
import { ClientId, companyFields, recordFields, recordFilters, recordInput } from "./record-schemas";
import { csvExportRoute, recordRoutes, requestScope } from "./record-routes";

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

const filters = { ...recordFilters, sort: sortParam(COMPANY_SORTS, "name") };

const routes = {
  ...recordRoutes({
    tag: "Companies",
    name: "Company",
    schema: CompanySchema,
    detailSchema: CompanyDetailSchema,
    listFilters: filters,
    createBody: z.object({ id: ClientId.optional(), ...companyFields, ...recordInput }).strict(),
    updateBody: z.object({ ...companyFields, name: companyFields.name.optional(), ...recordInput }).strict(),
    summaries: {
      list: "Companies, filtered, sorted and paginated",
      create: "Create a company",
      get: "One company, with counts of its contacts and deals",
      update: "Change some fields of a company (null clears an optional field)",
      remove: "Delete a company; its contacts and activities stay, unlinked",
    },
    conflicts: { remove: "Deals are linked to the company" },
  }),
  exportCsv: csvExportRoute("Companies", filters),
};

// /export.csv is registered before /{id}, which would otherwise take it as an id.
export const companyRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { db, orgId, actor } = requestScope(c);
    const { rows, total } = await listCompanies(db, orgId, actor, {
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
    const { db, orgId, actor } = requestScope(c);
    const stream = exportCsv(db, orgId, actor, { resource: "companies", query: c.req.valid("query") });
    return c.body(stream, 200, csvHeaders("companies"));
  })
  .openapi(routes.create, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await createCompany(db, orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await getCompany(db, orgId, actor, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await updateCompany(db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    await deleteCompany(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Company deleted" });
  });
