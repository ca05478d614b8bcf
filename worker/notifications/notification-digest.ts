import { and, asc, eq, gte, isNull, lt, or } from "drizzle-orm";
import type { Env } from "../platform/env";
import { directoryDb, orgDb } from "../platform/db";
import { localDateOf, localParts, localToInstant } from "../platform/local-time";
import type { ScheduledTask } from "../platform/scheduled-tasks";
import { memberships, notificationDigests, notifications, type Notification } from "../../schema";
import { CATEGORY_NAMES, categoryOf, NOTIFICATION_CATEGORIES } from "./notification-categories";
import { appLink, notificationMailStatus, queueDigestEmail, type MailingEnv } from "./notification-email";

/**
 * The daily digest: every minute the cron asks which members' local clocks
 * (in their own digest time zone) have reached their hour on a day they got no
 * digest yet, claims each member's day with one conditional update (two ticks,
 * or two Workers, cannot both win it) and mails the unread notifications since
 * the previous digest, grouped by category. A member with nothing unread is
 * marked for the day and gets no mail.
 */

export interface DigestRow {
  enabled: boolean;
  hour: number;
  timeZone: string;
  lastSentOn: string | null;
}

/** The member's local date when a digest is due at `now`, else null. */
export function digestDueOn(row: DigestRow, now: number): string | null {
  if (!row.enabled) return null;
  const local = localParts(now, row.timeZone);
  if (local.hour < row.hour) return null;
  const today = localDateOf(now, row.timeZone);
  return row.lastSentOn === null || row.lastSentOn < today ? today : null;
}

/** Where the digest's window opens: the previous digest's hour, or a day back for the first one. */
export function digestSince(row: DigestRow, now: number): number {
  if (!row.lastSentOn) return now - 24 * 3600_000;
  const [year, month, day] = row.lastSentOn.split("-").map(Number) as [number, number, number];
  return localToInstant(year, month, day, row.hour * 60, row.timeZone);
}

/** The digest mail, or null when there is nothing unread to tell. */
export function composeDigest(env: Pick<Env, "APP_URL">, rows: Pick<Notification, "type" | "title" | "body" | "link">[], localDate: string) {
  if (rows.length === 0) return null;
  const lines = [`Your NeuraCRM digest for ${localDate}: ${rows.length} unread notification${rows.length === 1 ? "" : "s"}.`];
  for (const category of CATEGORY_NAMES) {
    const inCategory = rows.filter((r) => categoryOf(r.type) === category);
    if (inCategory.length === 0) continue;
    lines.push("", `${NOTIFICATION_CATEGORIES[category].label} (${inCategory.length})`);
    for (const r of inCategory) lines.push(`- ${r.title}${r.link ? ` ${appLink(env, r.link)}` : ""}`);
  }
  lines.push("", "Change or turn off the digest in Settings → Notifications.");
  return { subject: `Your NeuraCRM digest: ${rows.length} unread`, text: lines.join("\n") };
}

const DIGEST_ITEMS_MAX = 200;

export interface DigestRun {
  sent: number;
  empty: number;
}

/** One cron tick of digests at `now`. Does nothing while mail is not configured, so no day is marked unsent. */
export async function runDigests(env: MailingEnv, now: number): Promise<DigestRun> {
  const result: DigestRun = { sent: 0, empty: 0 };
  if (!notificationMailStatus(env).configured) return result;
  const db = directoryDb(env);
  const candidates = await db.select().from(notificationDigests).where(eq(notificationDigests.enabled, true));
  for (const row of candidates) {
    const today = digestDueOn(row, now);
    if (!today) continue;
    const claimed = await db
      .update(notificationDigests)
      .set({ lastSentOn: today })
      .where(
        and(
          eq(notificationDigests.orgId, row.orgId),
          eq(notificationDigests.userId, row.userId),
          eq(notificationDigests.enabled, true),
          or(isNull(notificationDigests.lastSentOn), lt(notificationDigests.lastSentOn, today)),
        ),
      )
      .returning({ userId: notificationDigests.userId });
    if (claimed.length === 0) continue;
    const unread = await orgDb(env, row.orgId)
      .select({ type: notifications.type, title: notifications.title, body: notifications.body, link: notifications.link })
      .from(notifications)
      .innerJoin(memberships, and(eq(memberships.orgId, notifications.orgId), eq(memberships.userId, notifications.userId)))
      .where(
        and(
          eq(notifications.orgId, row.orgId),
          eq(notifications.userId, row.userId),
          isNull(notifications.readAt),
          gte(notifications.createdAt, digestSince(row, now)),
        ),
      )
      .orderBy(asc(notifications.createdAt))
      .limit(DIGEST_ITEMS_MAX);
    const mail = composeDigest(env, unread, today);
    if (!mail) {
      result.empty++;
      continue;
    }
    await queueDigestEmail(env, row.orgId, row.userId, mail);
    result.sent++;
  }
  return result;
}

export const notificationDigestTask: ScheduledTask = async (env, at) => {
  await runDigests(env, at.getTime());
};
