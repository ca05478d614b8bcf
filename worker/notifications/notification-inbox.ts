import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Env } from "../platform/env";
import { orgDb, type Db } from "../platform/db";
import { notFound } from "../platform/errors";
import { newId } from "../platform/ids";
import { notifications, type Notification } from "../../schema";
import { publishEvent } from "../platform/room-rpc";
import { categoryOf } from "./notification-categories";
import { appLink, queueNotificationEmail, type MailingEnv } from "./notification-email";
import { preferenceFor } from "./notification-preferences";

export interface NotificationInput {
  /** What happened, e.g. "ticket_assigned", "sla_breached"; its category (notification-categories.ts) decides where it goes. */
  type: string;
  title: string;
  body?: string | null;
  /** An app path such as /support/tickets/<id>. */
  link?: string | null;
  data?: Record<string, unknown> | null;
  /** The event this tells about, so it is mailed at most once; default `<type>:<link>`. */
  eventKey?: string;
}

/**
 * Features hand `notify` the env they hold (often narrowed to DB and
 * ORG_ROOM); the Worker's env always carries the mail bindings, and without
 * a queue there is no email to send.
 */
export type NotifyEnv = Pick<Env, "DB" | "ORG_ROOM"> & Partial<MailingEnv>;

const publicNotification = ({ orgId: _o, ...rest }: Notification) => ({ ...rest, category: categoryOf(rest.type) });

function emailText(env: NotifyEnv, input: NotificationInput) {
  const lines = [input.title];
  if (input.body) lines.push("", input.body);
  if (input.link) lines.push("", `Open it: ${appLink(env, input.link)}`);
  lines.push("", "You get this email because of your notification settings in NeuraCRM (Settings → Notifications).");
  return lines.join("\n");
}

/**
 * Tells one member about something, where they chose to hear about its
 * category: in the app (stored, and pushed live as a `notification` event to
 * that member's sockets only; the push is best effort, the stored row is the
 * source of truth) and by email (queued once per event). Returns the stored
 * notification, or null when the member turned the category off in the app.
 */
export async function notify(env: NotifyEnv, orgId: string, userId: string, input: NotificationInput) {
  const db = orgDb(env, orgId);
  const choice = await preferenceFor(db, orgId, userId, categoryOf(input.type));
  const out = choice.inApp ? await storeAndPush(env, orgId, userId, input) : null;
  if (choice.email && env.JOBS) {
    // The member has the notification in the app already; a queue hiccup must not fail the change that raised it.
    await queueNotificationEmail(env as MailingEnv, orgId, userId, {
      eventKey: input.eventKey ?? `${input.type}:${input.link ?? ""}`,
      notificationId: out?.id ?? null,
      subject: input.title,
      text: emailText(env, input),
    }).catch((err: unknown) => console.error(JSON.stringify({ level: "error", msg: "notification email not queued", orgId, err: String(err) })));
  }
  return out;
}

async function storeAndPush(env: NotifyEnv, orgId: string, userId: string, input: NotificationInput) {
  const row: Notification = {
    id: newId(),
    orgId,
    userId,
    type: input.type,
    title: input.title,
    body: input.body ?? null,
    link: input.link ?? null,
    data: input.data ?? null,
    readAt: null,
    createdAt: Date.now(),
  };
  await orgDb(env, orgId).insert(notifications).values(row);
  const out = publicNotification(row);
  try {
    await publishEvent(env, orgId, "notification", { notification: out }, [userId]);
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "notification push failed", orgId, err: String(err) }));
  }
  return out;
}

export async function listNotifications(db: Db, orgId: string, userId: string, q: { page: number; perPage: number; unread?: boolean }) {
  const where = and(eq(notifications.orgId, orgId), eq(notifications.userId, userId), q.unread ? isNull(notifications.readAt) : undefined);
  const [rows, total, unread] = await Promise.all([
    db
      .select()
      .from(notifications)
      .where(where)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage),
    db.$count(notifications, where),
    unreadCount(db, orgId, userId),
  ]);
  return { rows: rows.map(publicNotification), total, unread };
}

export const unreadCount = (db: Db, orgId: string, userId: string) =>
  db.$count(notifications, and(eq(notifications.orgId, orgId), eq(notifications.userId, userId), isNull(notifications.readAt)));

/** Marks one of the member's own notifications read; anyone else's answers 404. */
export async function markRead(db: Db, orgId: string, userId: string, id: string) {
  const row = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${Date.now()})` })
    .where(and(eq(notifications.orgId, orgId), eq(notifications.userId, userId), eq(notifications.id, id)))
    .returning()
    .get();
  if (!row) throw notFound("Notification");
  return publicNotification(row);
}

export async function markAllRead(db: Db, orgId: string, userId: string) {
  const rows = await db
    .update(notifications)
    .set({ readAt: Date.now() })
    .where(and(eq(notifications.orgId, orgId), eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
