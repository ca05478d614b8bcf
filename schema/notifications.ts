import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

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
