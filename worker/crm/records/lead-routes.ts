import { z } from "@hono/zod-openapi";
import { createRouter, metaOf, ok } from "../../platform/http";
import { sortParam } from "../../platform/list";
import {
  createLead,
  deleteLead,
  getLead,
  LEAD_SORTS,
  listLeads,
  updateLead,
} from "./leads";
import { ClientId, leadFields, recordFields, recordFilters, recordInput } from "./record-schemas";
import { csvHeaders, exportCsv } from "../imports/csv-export";
import { LEAD_STATUSES } from "../../../schema";
import { csvExportRoute, recordRoutes, requestScope } from "./record-routes";

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

const filters = {
  ...recordFilters,
  sort: sortParam(LEAD_SORTS, "-createdAt"),
  status: z.enum(LEAD_STATUSES).optional(),
  source: z.string().trim().min(1).max(100).optional(),
};

const routes = {
  ...recordRoutes({
    tag: "Leads",
    name: "Lead",
    schema: LeadSchema,
    detailSchema: LeadSchema,
    listFilters: filters,
    createBody: z.object({ id: ClientId.optional(), ...leadFields, ...recordInput }).strict(),
    updateBody: z.object({ ...leadFields, firstName: leadFields.firstName.optional(), ...recordInput }).strict(),
    summaries: {
      list: "Leads, filtered, sorted and paginated (newest first by default)",
      create: "Create a lead",
      get: "One lead",
      update: "Change some fields of a lead (null clears an optional field; status never becomes converted here)",
      remove: "Delete a lead; its activities stay, unlinked",
    },
    conflicts: {
      update: "The lead is converted; its status is final",
      remove: "Deals are linked to the lead",
    },
  }),
  exportCsv: csvExportRoute("Leads", filters),
};

// /export.csv is registered before /{id}, which would otherwise take it as an id.
export const leadRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { db, orgId, actor } = requestScope(c);
    const { rows, total } = await listLeads(db, orgId, actor, {
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
    const { db, orgId, actor } = requestScope(c);
    const stream = exportCsv(db, orgId, actor, { resource: "leads", query: c.req.valid("query") });
    return c.body(stream, 200, csvHeaders("leads"));
  })
  .openapi(routes.create, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await createLead(db, orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await getLead(db, orgId, actor, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await updateLead(db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    await deleteLead(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Lead deleted" });
  });
