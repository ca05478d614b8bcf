import { createRoute, z } from "@hono/zod-openapi";
import { SEGMENT_ENTITIES } from "../../../schema";
import { requirePermission } from "../../platform/auth-middleware";
import { createRouter, envelope, ErrorSchema, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import { actorOf } from "../../platform/records";
import { csvHeaders } from "../../crm";
import { FilterInput, storedFilter } from "./segment-filter";
import {
  createSegment,
  deleteSegment,
  listSegments,
  previewSegment,
  refreshSegment,
  requireSegment,
  segmentExport,
  segmentMembersPage,
  segmentView,
  updateSegment,
} from "./segment-service";
import { orgDb } from "../../platform/db";

const tags = ["Segments"];
const security = [{ bearerAuth: [] }];

const SegmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    entity: z.enum(SEGMENT_ENTITIES),
    filter: z.record(z.string(), z.union([z.string(), z.array(z.string())])).openapi({ description: "The list's query parameters" }),
    memberCount: z.number().int(),
    evaluatedAt: z.number().int().nullable().openapi({ description: "When the whole membership was last recomputed (epoch ms)" }),
    timeRelative: z.boolean().openapi({ description: "The filter moves with the clock (activity recency): re-evaluated hourly" }),
    createdBy: z.string(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("Segment");

const MemberRow = z.object({ id: z.string() }).passthrough().openapi("SegmentMember", { description: "A record in its list shape (contact, company or lead row)" });

const Name = z.string().trim().min(1).max(120);
const Description = z.string().trim().max(1000).nullable().optional();
const CreateBody = z.object({ name: Name, description: Description, entity: z.enum(SEGMENT_ENTITIES), filter: FilterInput }).strict();
const UpdateBody = z.object({ name: Name.optional(), description: Description, filter: FilterInput.optional() }).strict();
const PreviewBody = z.object({ entity: z.enum(SEGMENT_ENTITIES), filter: FilterInput }).strict();

const badFilter = { 400: jsonResponse(ErrorSchema, "A malformed body, or a filter the list does not take (`validation_error`, details naming each `filter.<parameter>`)") };

const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security, middleware: [requirePermission("automation:read")] as const,
    summary: "The organization's segments, with their member counts",
    responses: { 200: jsonResponse(envelope(z.array(SegmentSchema)), "Segments"), ...standardErrors },
  }),
  create: createRoute({
    method: "post", path: "/", tags, security, middleware: [requirePermission("automation:manage")] as const,
    summary: "Save a list filter as a segment; its membership is computed at once",
    description: "`filter` takes the same query parameters as GET /api/contacts, /api/companies or /api/leads (search, tags, owner, linked company, created/updated ranges, scores, activity recency).",
    request: jsonBody(CreateBody),
    responses: { 201: jsonResponse(envelope(SegmentSchema), "Created"), ...standardErrors, ...badFilter },
  }),
  preview: createRoute({
    method: "post", path: "/preview", tags, security, middleware: [requirePermission("automation:read")] as const,
    summary: "What a filter selects now: the count, and the first ten records you may see",
    request: jsonBody(PreviewBody),
    responses: {
      200: jsonResponse(envelope(z.object({ count: z.number().int(), records: z.array(MemberRow) })), "Preview"),
      ...standardErrors,
      ...badFilter,
    },
  }),
  get: createRoute({
    method: "get", path: "/{id}", tags, security, middleware: [requirePermission("automation:read")] as const,
    summary: "One segment",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(SegmentSchema), "Segment"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch", path: "/{id}", tags, security, middleware: [requirePermission("automation:manage")] as const,
    summary: "Rename a segment or change its filter (a new filter re-evaluates the membership)",
    request: { params: IdParam, ...jsonBody(UpdateBody) },
    responses: { 200: jsonResponse(envelope(SegmentSchema), "Updated"), ...standardErrors, ...badFilter },
  }),
  remove: createRoute({
    method: "delete", path: "/{id}", tags, security, middleware: [requirePermission("automation:manage")] as const,
    summary: "Delete a segment and its membership",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
  refresh: createRoute({
    method: "post", path: "/{id}/refresh", tags, security, middleware: [requirePermission("automation:manage")] as const,
    summary: "Re-evaluate the whole membership now",
    request: { params: IdParam },
    responses: {
      200: jsonResponse(envelope(z.object({ segment: SegmentSchema, entered: z.number().int(), left: z.number().int() })), "Re-evaluated"),
      ...standardErrors,
    },
  }),
  members: createRoute({
    method: "get", path: "/{id}/members", tags, security, middleware: [requirePermission("automation:read")] as const,
    summary: "The segment's members you may see, as list rows, paginated",
    request: { params: IdParam, query: z.object(paginationQuery) },
    responses: { 200: jsonResponse(listEnvelope(MemberRow), "Members"), ...standardErrors },
  }),
  exportCsv: createRoute({
    method: "get", path: "/{id}/export", tags, security, middleware: [requirePermission("automation:read")] as const,
    summary: "The segment's members you may see, as the list's CSV export (streamed)",
    request: { params: IdParam },
    responses: {
      200: { content: { "text/csv": { schema: z.string().openapi({ description: "UTF-8 CSV with a header row" }) } }, description: "Members as CSV" },
      ...standardErrors,
    },
  }),
};

export const segmentRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const auth = c.get("auth");
    return ok(c, (await listSegments(orgDb(c.env, auth.orgId), auth.orgId)).map(segmentView), { status: 200 });
  })
  .openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const segment = await createSegment(c.env, actor, { ...body, filter: storedFilter(body.filter) });
    return ok(c, segmentView(segment), { status: 201 });
  })
  .openapi(routes.preview, async (c) => {
    const body = c.req.valid("json");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await previewSegment(c.env, actor, body.entity, storedFilter(body.filter)), { status: 200 });
  })
  .openapi(routes.get, async (c) => {
    const auth = c.get("auth");
    return ok(c, segmentView(await requireSegment(orgDb(c.env, auth.orgId), auth.orgId, c.req.valid("param").id)), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const body = c.req.valid("json");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const input = { ...body, filter: body.filter ? storedFilter(body.filter) : undefined };
    return ok(c, segmentView(await updateSegment(c.env, actor, c.req.valid("param").id, input)), { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    await deleteSegment(c.env, c.get("auth").orgId, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Segment deleted" });
  })
  .openapi(routes.refresh, async (c) => {
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const { segment, entered, left } = await refreshSegment(c.env, actor, c.req.valid("param").id);
    return ok(c, { segment: segmentView(segment), entered, left }, { status: 200 });
  })
  .openapi(routes.members, async (c) => {
    const { page, per_page } = c.req.valid("query");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const { rows, total } = await segmentMembersPage(c.env, actor, c.req.valid("param").id, page, per_page);
    return ok(c, rows, { status: 200, meta: metaOf(page, per_page, total) });
  })
  .openapi(routes.exportCsv, async (c) => {
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const { stream, resource } = await segmentExport(c.env, actor, c.req.valid("param").id);
    return c.body(stream, 200, csvHeaders(resource));
  });
