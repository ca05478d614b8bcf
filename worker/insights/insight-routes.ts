import { createRoute, z } from "@hono/zod-openapi";
import { INSIGHT_KINDS } from "../../schema";
import { requirePermission } from "../platform/auth-middleware";
import { orgDb } from "../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../platform/http";
import { dismissInsight, inboxCount, listInbox, MAX_SNOOZE_MS, snoozeInsight, unsnoozeInsight } from "./insight-inbox";
import { InsightSchema } from "./insight-schema";
import { refreshOrgInsights } from "./insight-sweep";

const tags = ["Insights"];
const security = [{ bearerAuth: [] }];

const SnoozeBody = z
  .object({
    until: z.number().int().positive().optional().openapi({ description: "Epoch ms, in the future, at most 90 days ahead" }),
    hours: z.number().positive().max(MAX_SNOOZE_MS / 3600_000).optional(),
  })
  .strict()
  .refine((b) => (b.until === undefined) !== (b.hours === undefined), { message: "Give exactly one of until or hours" });

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Your insight inbox",
    description:
      "Open insights (deals at risk, hot leads, ticket escalations, summaries ready) whose record you may see, newest first, " +
      "without those you dismissed or snoozed. Rules are re-checked for your organization when they are due, so the inbox is current without cron.",
    middleware: [requirePermission("records:read")] as const,
    request: { query: z.object({ ...paginationQuery, kind: z.enum(INSIGHT_KINDS).optional() }) },
    responses: { 200: jsonResponse(listEnvelope(InsightSchema), "Insights"), ...standardErrors },
  }),
  count: createRoute({
    method: "get",
    path: "/count",
    tags,
    security,
    summary: "How many insights your inbox shows now",
    middleware: [requirePermission("records:read")] as const,
    responses: { 200: jsonResponse(envelope(z.object({ open: z.number().int() })), "Count"), ...standardErrors },
  }),
  dismiss: createRoute({
    method: "post",
    path: "/{id}/dismiss",
    tags,
    security,
    summary: "Dismiss an insight from your inbox",
    description: "Yours alone: others still see it. If its condition ends and later holds again, it returns as a new occurrence.",
    middleware: [requirePermission("records:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(InsightSchema), "Dismissed"), ...standardErrors },
  }),
  snooze: createRoute({
    method: "post",
    path: "/{id}/snooze",
    tags,
    security,
    summary: "Snooze an insight in your inbox",
    description: "Hidden from your inbox until `until` (epoch ms) or for `hours`; at most 90 days.",
    middleware: [requirePermission("records:read")] as const,
    request: { params: IdParam, ...jsonBody(SnoozeBody) },
    responses: { 200: jsonResponse(envelope(InsightSchema), "Snoozed"), ...standardErrors },
  }),
  unsnooze: createRoute({
    method: "delete",
    path: "/{id}/snooze",
    tags,
    security,
    summary: "Bring a snoozed insight back to your inbox",
    middleware: [requirePermission("records:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(InsightSchema), "Back in the inbox"), ...standardErrors },
  }),
};

export const insightRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const auth = c.get("auth");
    const q = c.req.valid("query");
    const db = orgDb(c.env, auth.orgId);
    await refreshOrgInsights(c.env, db, auth.orgId, Date.now());
    const { rows, total } = await listInbox(db, auth.orgId, auth, { page: q.page, perPage: q.per_page, kind: q.kind });
    return c.json({ success: true as const, data: rows, meta: metaOf(q.page, q.per_page, total) }, 200);
  })
  .openapi(routes.count, async (c) => {
    const auth = c.get("auth");
    return ok(c, { open: await inboxCount(orgDb(c.env, auth.orgId), auth.orgId, auth) });
  })
  .openapi(routes.dismiss, async (c) => {
    const auth = c.get("auth");
    return ok(c, await dismissInsight(orgDb(c.env, auth.orgId), auth.orgId, auth, c.req.valid("param").id));
  })
  .openapi(routes.snooze, async (c) => {
    const auth = c.get("auth");
    return ok(c, await snoozeInsight(orgDb(c.env, auth.orgId), auth.orgId, auth, c.req.valid("param").id, c.req.valid("json")));
  })
  .openapi(routes.unsnooze, async (c) => {
    const auth = c.get("auth");
    return ok(c, await unsnoozeInsight(orgDb(c.env, auth.orgId), auth.orgId, auth, c.req.valid("param").id));
  });
