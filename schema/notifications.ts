import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A personal notification: stored, and pushed live to the user's sockets in the organization room. */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    type: text("type").notNull(),
    title: text("title").notNull(),
    body: text("body"),
    /** An app path, e.g. /support/tickets/<id>. */
    link: text("link"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>(),
    readAt: integer("read_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("notifications_user_idx").on(t.orgId, t.userId, t.createdAt), index("notifications_unread_idx").on(t.orgId, t.userId, t.readAt)],
);

export type Notification = typeof notifications.$inferSelect;

/**
 * What members choose to hear about, and where: one row per category they
 * changed (a missing row means the category's default). Categories are
 * named in worker/notifications.
 */
export const notificationPreferences = sqliteTable(
  "notification_preferences",
  {
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    category: text("category").notNull(),
    inApp: integer("in_app", { mode: "boolean" }).notNull(),
    email: integer("email", { mode: "boolean" }).notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId, t.category] })],
);

/** The optional daily digest: sent at `hour` in the member's `timeZone`, once per local day. */
export const notificationDigests = sqliteTable(
  "notification_digests",
  {
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
    hour: integer("hour").notNull().default(8),
    timeZone: text("time_zone").notNull().default("UTC"),
    /** The local date ("YYYY-MM-DD") of the last digest sent. */
    lastSentOn: text("last_sent_on"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] })],
);

/** Email notifications already sent, by event: the same event never mails a member twice. */
export const notificationEmails = sqliteTable(
  "notification_emails",
  {
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    eventKey: text("event_key").notNull(),
    notificationId: text("notification_id"),
    sentAt: integer("sent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId, t.eventKey] })],
);
