import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { envelope, IdParam, jsonBody, jsonResponse, listEnvelope, paginationQuery, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { csvResponse } from "./record-schemas";
import { actorOf } from "../../platform/records";

/**
 * What the CRM record resources (companies, contacts, leads, activities) have
 * in common at the HTTP edge. Their route definitions are built here so the
 * four keep the same permissions, envelopes and error responses. Contacts,
 * leads and companies get their handlers from record-router.ts; activities
 * keep their own.
 */

export const SECURITY = [{ bearerAuth: [] }];

/** The tenant database, organization and acting member every handler starts from. */
export function requestScope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, actor: actorOf(auth, c.get("requestId")) };
}

/** A 409 response for the OpenAPI document; none when the route cannot conflict. */
const conflictResponse = (description: string | undefined) =>
  description ? { 409: jsonResponse(z.any(), description) } : ({} as Record<never, never>);

export interface RecordRouteSpec<
  Row extends z.ZodTypeAny,
  Detail extends z.ZodTypeAny,
  ListRow extends z.ZodTypeAny,
  ListFilters extends z.ZodRawShape,
  CreateBody extends z.ZodTypeAny,
  UpdateBody extends z.ZodTypeAny,
> {
  /** The OpenAPI tag, which is also the plural name ("Contacts"). */
  tag: string;
  /** The singular name ("Contact"), describing the answer of GET /{id}. */
  name: string;
  /** The record as create and update answer it. */
  schema: Row;
  /** The record as GET /{id} answers it: `schema`, or an extension with related data. */
  detailSchema: Detail;
  /** A list row: `schema`, or an extension with the names of linked records. */
  listSchema: ListRow;
  /** The list's query parameters besides `page` and `per_page`. */
  listFilters: ListFilters;
  createBody: CreateBody;
  updateBody: UpdateBody;
  summaries: { list: string; create: string; get: string; update: string; remove: string };
  /** A longer explanation of the list route's filters. */
  listDescription?: string;
  /** Why update or delete can answer 409, for the resources where they can. */
  conflicts?: { update?: string; remove?: string };
}

/** The list, create, get, update and delete routes of a record resource. */
export function recordRoutes<
  Row extends z.ZodTypeAny,
  Detail extends z.ZodTypeAny,
  ListRow extends z.ZodTypeAny,
  ListFilters extends z.ZodRawShape,
  CreateBody extends z.ZodTypeAny,
  UpdateBody extends z.ZodTypeAny,
>(spec: RecordRouteSpec<Row, Detail, ListRow, ListFilters, CreateBody, UpdateBody>) {
  const tags = [spec.tag];
  return {
    list: createRoute({
      method: "get",
      path: "/",
      tags,
      security: SECURITY,
      summary: spec.summaries.list,
      description: spec.listDescription,
      middleware: [requirePermission("records:read")] as const,
      request: { query: z.object({ ...paginationQuery, ...spec.listFilters }) },
      responses: { 200: jsonResponse(listEnvelope(spec.listSchema), spec.tag), ...standardErrors },
    }),
    create: createRoute({
      method: "post",
      path: "/",
      tags,
      security: SECURITY,
      summary: spec.summaries.create,
      middleware: [requirePermission("records:write")] as const,
      request: jsonBody(spec.createBody),
      responses: {
        201: jsonResponse(envelope(spec.schema), "Created"),
        ...standardErrors,
        ...conflictResponse("The client-supplied id is taken"),
      },
    }),
    get: createRoute({
      method: "get",
      path: "/{id}",
      tags,
      security: SECURITY,
      summary: spec.summaries.get,
      middleware: [requirePermission("records:read")] as const,
      request: { params: IdParam },
      responses: { 200: jsonResponse(envelope(spec.detailSchema), spec.name), ...standardErrors },
    }),
    update: createRoute({
      method: "patch",
      path: "/{id}",
      tags,
      security: SECURITY,
      summary: spec.summaries.update,
      middleware: [requirePermission("records:write")] as const,
      request: { params: IdParam, ...jsonBody(spec.updateBody) },
      responses: {
        200: jsonResponse(envelope(spec.schema), "Updated"),
        ...standardErrors,
        ...conflictResponse(spec.conflicts?.update),
      },
    }),
    remove: createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      security: SECURITY,
      summary: spec.summaries.remove,
      middleware: [requirePermission("records:delete")] as const,
      request: { params: IdParam },
      responses: {
        200: jsonResponse(envelope(z.null()), "Deleted"),
        ...standardErrors,
        ...conflictResponse(spec.conflicts?.remove),
      },
    }),
  };
}

/**
 * GET /export.csv: the list's filters (without paging) as a CSV download that
 * re-imports as it is.
 */
export function csvExportRoute<Filters extends z.ZodRawShape>(tag: string, filters: Filters) {
  return createRoute({
    method: "get",
    path: "/export.csv",
    tags: [tag],
    security: SECURITY,
    summary: "The filtered list as CSV, streamed (re-imports as it is through POST /api/imports)",
    middleware: [requirePermission("records:read")] as const,
    request: { query: z.object(filters) },
    responses: { 200: csvResponse(`${tag} as CSV`), ...standardErrors },
  });
}
