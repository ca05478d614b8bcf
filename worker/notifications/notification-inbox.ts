import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Env } from "../platform/env";
import { orgDb, type Db } from "../platform/db";
import { notFound } from "../platform/errors";
import { newId } from "../platform/ids";
import { notifications, type Notification } from "../../schema";
import { publishEvent } from "../platform/room-rpc";


export interface NotificationInput {
  /** What happened, e.g. "ticket_assigned", "sla_breached". */
  type: string;
  title: string;
  body?: string | null;
  /** An app path such as /support/tickets/<id>. */
  link?: string | null;
  data?: Record<string, unknown> | null;
}

const publicNotification = ({ orgId: _o, ...rest }: Notification) => rest;

/**
 * Stores a notification for one member and pushes it live, as a `notification`
 * event, only to that member's sockets in the organization room. The push is
 * best effort: the stored row is the source of truth and the app lists it.
 */
export async function notify(env: Pick<Env, "DB" | "ORG_ROOM">, orgId: string, userId: string, input: NotificationInput) {
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
