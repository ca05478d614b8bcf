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
import type { RecordFilter, RecordInput, RecordTypeSpec } from "./record-type-spec";

/** A type's own fields as an update takes them: the one a create requires is optional too. */
function updateFields<Fields extends z.ZodRawShape, Required extends keyof Fields & string>(fields: Fields, required: Required) {
  const optional = { [required]: z.optional(fields[required]!) } as { [K in Required]: z.ZodOptional<Fields[K]> };
  return { ...(fields as Omit<Fields, Required>), ...optional };
}

/** The query parameters of a type's own list filters. */
type FilterParams<Filters extends Record<string, RecordFilter>> = { [K in keyof Filters]: Filters[K]["schema"] };

/**
 * A type's service, its spec typed by what the routes declare: its fields and
 * filters and its schemas (the table and sort keys stay in the service).
 */
type RoutedService<
  Fields extends z.ZodRawShape,
  Required extends keyof Fields & string,
  Filters extends Record<string, RecordFilter>,
  Schema extends z.ZodTypeAny,
  Detail extends z.ZodTypeAny,
  ListRow extends z.ZodTypeAny,
> = Omit<RecordService, "spec"> & { spec: RecordTypeSpec<any, Fields, Required, any, Filters, Schema, Detail, ListRow> };

/**
 * The HTTP routes of one CRM record type: list, CSV export, create, get,
 * update and delete, described for the OpenAPI document by the type's spec
 * and answered by its service. Generic over the spec's fields, filters and
 * schemas so that the routes declare that type's own, which the typed client
 * reads.
 */
function recordRouter<
  Fields extends z.ZodRawShape,
  Required extends keyof Fields & string,
  Filters extends Record<string, RecordFilter>,
  Schema extends z.ZodTypeAny,
  Detail extends z.ZodTypeAny,
  ListRow extends z.ZodTypeAny,
>(service: RoutedService<Fields, Required, Filters, Schema, Detail, ListRow>) {
  const { spec } = service;
  const filters = {
    ...recordFilters,
    sort: sortParam(Object.keys(spec.sorts) as [string, ...string[]], spec.defaultSort),
    ...(Object.fromEntries(Object.entries(spec.filters).map(([key, { schema }]) => [key, schema])) as FilterParams<Filters>),
  };
  const routes = {
    ...recordRoutes({
      tag: spec.tag,
      name: spec.name,
      schema: spec.schema,
      detailSchema: spec.detailSchema,
      listSchema: spec.listSchema,
      listFilters: filters,
      createBody: z.object({ id: ClientId.optional(), ...spec.fields, ...recordInput }).strict(),
      updateBody: z.object({ ...updateFields(spec.fields, spec.required), ...recordInput }).strict(),
      summaries: spec.summaries,
      conflicts: spec.conflicts,
    }),
    exportCsv: csvExportRoute(spec.tag, filters),
  };

  // /export.csv is registered before /{id}, which would otherwise take it as an id.
  // Inputs validated by schemas built from a generic spec stay generic types, which
  // the compiler cannot relate to the service's input types, hence the casts.
  return createRouter()
    .openapi(routes.list, async (c) => {
      const { page, per_page, ...query } = c.req.valid("query") as { page: number; per_page: number; sort: string };
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
      const { orgId, actor } = requestScope(c);
      return ok(c, await service.create(c.env, orgId, actor, c.req.valid("json") as RecordInput<Fields> & { id?: string }), { status: 201 });
    })
    .openapi(routes.get, async (c) => {
      const { db, orgId, actor } = requestScope(c);
      return ok(c, await service.get(db, orgId, actor, c.req.valid("param").id), { status: 200 });
    })
    .openapi(routes.update, async (c) => {
      const { orgId, actor } = requestScope(c);
      return ok(c, await service.update(c.env, orgId, actor, c.req.valid("param").id, c.req.valid("json") as RecordInput<Fields>), { status: 200 });
    })
    .openapi(routes.remove, async (c) => {
      const { orgId, actor } = requestScope(c);
      await service.remove(c.env, orgId, actor, c.req.valid("param").id);
      return ok(c, null, { status: 200, message: `${spec.name} deleted` });
    });
}

export const contactRoutes = recordRouter(contactService);
export const leadRoutes = recordRouter(leadService);
export const companyRoutes = recordRouter(companyService);
