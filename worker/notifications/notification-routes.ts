import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../platform/db";
import { createRouter, envelope, IdParam, jsonResponse, MetaSchema, ok, metaOf, paginationQuery, standardErrors } from "../platform/http";
import { requireAuth } from "../platform/auth-middleware";
import { listNotifications, markAllRead, markRead, unreadCount } from "./notification-inbox";

const tags = ["Notifications"];
const security = [{ bearerAuth: [] }];

const NotificationSchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    type: z.string(),
    title: z.string(),
    body: z.string().nullable(),
    link: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).nullable(),
    readAt: z.number().int().nullable(),
    createdAt: z.number().int(),
  })
  .openapi("Notification");

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Your notifications, newest first (`meta.unread` counts the unread ones)",
    middleware: [requireAuth] as const,
    request: { query: z.object({ ...paginationQuery, unread: z.enum(["true", "false"]).optional() }) },
    responses: {
      200: jsonResponse(z.object({ success: z.literal(true), data: z.array(NotificationSchema), meta: MetaSchema.extend({ unread: z.number().int() }) }), "Notifications"),
      ...standardErrors,
    },
  }),
  unread: createRoute({
    method: "get",
    path: "/unread-count",
    tags,
    security,
    summary: "How many of your notifications are unread",
    middleware: [requireAuth] as const,
    responses: { 200: jsonResponse(envelope(z.object({ unread: z.number().int() })), "Count"), ...standardErrors },
  }),
  readAll: createRoute({
    method: "post",
    path: "/read-all",
    tags,
    security,
    summary: "Mark all your notifications read",
    middleware: [requireAuth] as const,
    responses: { 200: jsonResponse(envelope(z.object({ marked: z.number().int() })), "Done"), ...standardErrors },
  }),
  read: createRoute({
    method: "post",
    path: "/{id}/read",
    tags,
    security,
    summary: "Mark one of your notifications read",
    middleware: [requireAuth] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(NotificationSchema), "Read"), ...standardErrors },
  }),
};

export const notificationRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { orgId, userId } = c.get("auth");
    const q = c.req.valid("query");
    const { rows, total, unread } = await listNotifications(orgDb(c.env, orgId), orgId, userId, { page: q.page, perPage: q.per_page, unread: q.unread === "true" });
    return c.json({ success: true as const, data: rows, meta: { ...metaOf(q.page, q.per_page, total), unread } }, 200);
  })
  .openapi(routes.unread, async (c) => {
    const { orgId, userId } = c.get("auth");
    return ok(c, { unread: await unreadCount(orgDb(c.env, orgId), orgId, userId) });
  })
  .openapi(routes.readAll, async (c) => {
    const { orgId, userId } = c.get("auth");
    return ok(c, { marked: await markAllRead(orgDb(c.env, orgId), orgId, userId) });
  })
  .openapi(routes.read, async (c) => {
    const { orgId, userId } = c.get("auth");
    return ok(c, await markRead(orgDb(c.env, orgId), orgId, userId, c.req.valid("param").id));
  });
