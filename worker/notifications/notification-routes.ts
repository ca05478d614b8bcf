import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../platform/db";
import type { Env } from "../platform/env";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, MetaSchema, ok, metaOf, paginationQuery, standardErrors } from "../platform/http";
import { requireAuth } from "../platform/auth-middleware";
import { listNotifications, markAllRead, markRead, unreadCount } from "./notification-inbox";
import { CATEGORY_NAMES, type NotificationCategory } from "./notification-categories";
import { notificationMailStatus } from "./notification-email";
import { digestSettings, preferenceMatrix, updatePreferences } from "./notification-preferences";

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
    category: z.enum(CATEGORY_NAMES as [NotificationCategory, ...NotificationCategory[]]),
  })
  .openapi("Notification");

const CategorySchema = z.enum(CATEGORY_NAMES as [NotificationCategory, ...NotificationCategory[]]);

const DigestSchema = z.object({
  enabled: z.boolean(),
  hour: z.number().int().min(0).max(23).openapi({ description: "Local hour (0–23) in `timeZone` when the digest is sent" }),
  timeZone: z.string().min(1).max(64).openapi({ description: "IANA time zone, e.g. Europe/Berlin" }),
});

const PreferencesSchema = z
  .object({
    categories: z.array(z.object({ category: CategorySchema, label: z.string(), description: z.string(), inApp: z.boolean(), email: z.boolean() })),
    digest: DigestSchema,
    email: z.object({
      configured: z.boolean(),
      message: z.string().nullable().openapi({ description: "When not configured: what to set up; email choices are kept but nothing is mailed" }),
    }),
  })
  .openapi("NotificationPreferences");

const PreferencesUpdateSchema = z
  .object({
    categories: z.partialRecord(CategorySchema, z.object({ inApp: z.boolean().optional(), email: z.boolean().optional() }).strict()).optional(),
    digest: DigestSchema.partial().strict().optional(),
  })
  .strict();

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
  preferences: createRoute({
    method: "get",
    path: "/preferences",
    tags,
    security,
    summary: "Where you hear about each category (in the app, by email) and your daily digest",
    description: "Categories you never changed show their defaults. `email.configured` is false when the deployment has no mail sender: then nothing is mailed.",
    middleware: [requireAuth] as const,
    responses: { 200: jsonResponse(envelope(PreferencesSchema), "Preferences"), ...standardErrors },
  }),
  updatePreferences: createRoute({
    method: "put",
    path: "/preferences",
    tags,
    security,
    summary: "Change your notification preferences and digest",
    description: "Send only what changes, e.g. `{categories: {billing: {email: true}}, digest: {enabled: true, hour: 8, timeZone: \"Europe/Berlin\"}}`.",
    middleware: [requireAuth] as const,
    request: jsonBody(PreferencesUpdateSchema),
    responses: { 200: jsonResponse(envelope(PreferencesSchema), "Preferences"), ...standardErrors },
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

async function preferencesOf(env: Env, orgId: string, userId: string) {
  const db = orgDb(env, orgId);
  const [categories, digest] = await Promise.all([preferenceMatrix(db, orgId, userId), digestSettings(db, orgId, userId)]);
  const mail = notificationMailStatus(env);
  return { categories, digest, email: { configured: mail.configured, message: mail.message } };
}

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
  .openapi(routes.preferences, async (c) => {
    const { orgId, userId } = c.get("auth");
    return ok(c, await preferencesOf(c.env, orgId, userId));
  })
  .openapi(routes.updatePreferences, async (c) => {
    const { orgId, userId } = c.get("auth");
    await updatePreferences(orgDb(c.env, orgId), orgId, userId, c.req.valid("json"));
    return ok(c, await preferencesOf(c.env, orgId, userId));
  })
  .openapi(routes.read, async (c) => {
    const { orgId, userId } = c.get("auth");
    return ok(c, await markRead(orgDb(c.env, orgId), orgId, userId, c.req.valid("param").id));
  });
