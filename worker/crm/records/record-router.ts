import { z } from "@hono/zod-openapi";
import { createRouter, metaOf, ok } from "../../platform/http";
import { sortParam } from "../../platform/list";
import { csvHeaders, exportCsv, type ExportQuery } from "../imports/csv-export";
import { companyService } from "./company-record-type";
import { contactService } from "./contact-record-type";
import { leadService } from "./lead-record-type";
import { ClientId, recordFilters, recordInput } from "./record-schemas";
import { csvExportRoute, recordRoutes, requestScope } from "./record-routes";
import type { RecordService } from "./record-service";
import type { RecordFilter } from "./record-type-spec";

/**
 * The HTTP routes of one CRM record type: list, CSV export, create, get,
 * update and delete, described for the OpenAPI document by the type's spec
 * and answered by its service.
 */
export function recordRouter(service: RecordService) {
  const { spec } = service;
  const filters = {
    ...recordFilters,
    sort: sortParam(Object.keys(spec.sorts) as [string, ...string[]], spec.defaultSort),
    ...Object.fromEntries(Object.entries(spec.filters as Record<string, RecordFilter>).map(([key, { schema }]) => [key, schema])),
  };
  const routes = {
    ...recordRoutes({
      tag: spec.tag,
      name: spec.name,
      schema: spec.schema,
      detailSchema: spec.detailSchema ?? spec.schema,
      listSchema: spec.listSchema,
      listFilters: filters,
      createBody: z.object({ id: ClientId.optional(), ...spec.fields, ...recordInput }).strict(),
      updateBody: z.object({ ...spec.fields, [spec.required]: (spec.fields[spec.required] as z.ZodTypeAny).optional(), ...recordInput }).strict(),
      summaries: spec.summaries,
      conflicts: spec.conflicts,
    }),
    exportCsv: csvExportRoute(spec.tag, filters),
  };

  // /export.csv is registered before /{id}, which would otherwise take it as an id.
  return createRouter()
    .openapi(routes.list, async (c) => {
      const { page, per_page, ...query } = c.req.valid("query");
      const { db, orgId, actor } = requestScope(c);
      const { rows, total } = await service.list(db, orgId, actor, { ...query, page, perPage: per_page });
      return ok(c, rows, { status: 200, meta: metaOf(page, per_page, total) });
    })
    .openapi(routes.exportCsv, async (c) => {
      const { db, orgId, actor } = requestScope(c);
      const stream = exportCsv(db, orgId, actor, { resource: spec.csv, query: c.req.valid("query") } as ExportQuery);
      return c.body(stream, 200, csvHeaders(spec.csv));
    })
    .openapi(routes.create, async (c) => {
      const { db, orgId, actor } = requestScope(c);
      return ok(c, await service.create(db, orgId, actor, c.req.valid("json")), { status: 201 });
    })
    .openapi(routes.get, async (c) => {
      const { db, orgId, actor } = requestScope(c);
      return ok(c, await service.get(db, orgId, actor, c.req.valid("param").id), { status: 200 });
    })
    .openapi(routes.update, async (c) => {
      const { db, orgId, actor } = requestScope(c);
      return ok(c, await service.update(db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), { status: 200 });
    })
    .openapi(routes.remove, async (c) => {
      const { db, orgId, actor } = requestScope(c);
      await service.remove(db, orgId, actor, c.req.valid("param").id);
      return ok(c, null, { status: 200, message: `${spec.name} deleted` });
    });
}

export const contactRoutes = recordRouter(contactService);
export const leadRoutes = recordRouter(leadService);
export const companyRoutes = recordRouter(companyService);
