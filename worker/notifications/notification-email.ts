import { and, eq } from "drizzle-orm";
import type { Env } from "../platform/env";
import { directoryDb, orgDb } from "../platform/db";
import { enqueue, type JobHandler } from "../platform/job-queue";
import { mailDomain, mailStatus, sendMime } from "../platform/mail-sender";
import { buildMime } from "../platform/mime-message";
import { memberships, notificationEmails, organizations, users } from "../../schema";

/**
 * Notification emails, single and digest alike: queued as one job each and
 * sent through the deployment's mail sender. A single notification claims its
 * event key in `notification_emails` before it is queued, so the same event
 * never mails a member twice however often it is raised.
 */
export const NOTIFICATION_EMAIL_JOB = "notification-email";

export interface NotificationEmailJob {
  type: typeof NOTIFICATION_EMAIL_JOB;
  orgId: string;
  userId: string;
  subject: string;
  text: string;
  [key: string]: unknown;
}

export type MailingEnv = Pick<Env, "DB" | "JOBS" | "SEND_EMAIL" | "EMAIL_API_URL" | "EMAIL_API_KEY" | "EMAIL_DOMAIN" | "APP_URL" | "OUTBOUND_ALLOW_LOOPBACK">;

export const notificationMailStatus = (env: Pick<Env, "SEND_EMAIL" | "EMAIL_API_URL" | "EMAIL_API_KEY">) =>
  mailStatus(env, "email notifications and digests are not sent (in-app notifications still are)");

/** An app path as the member can open it from a mail client. */
export function appLink(env: Pick<Env, "APP_URL">, path: string): string {
  const base = env.APP_URL?.trim();
  return base ? new URL(path, base).toString() : path;
}

export type EmailOutcome = "queued" | "duplicate" | "not_configured";

/** Claims the event for this member and queues the mail; a claimed event is never queued again. */
export async function queueNotificationEmail(
  env: MailingEnv,
  orgId: string,
  userId: string,
  mail: { eventKey: string; notificationId: string | null; subject: string; text: string },
): Promise<EmailOutcome> {
  if (!notificationMailStatus(env).configured) return "not_configured";
  const claimed = await orgDb(env, orgId)
    .insert(notificationEmails)
    .values({ orgId, userId, eventKey: mail.eventKey, notificationId: mail.notificationId, sentAt: Date.now() })
    .onConflictDoNothing()
    .returning({ eventKey: notificationEmails.eventKey });
  if (claimed.length === 0) return "duplicate";
  await enqueue(env, { type: NOTIFICATION_EMAIL_JOB, orgId, userId, subject: mail.subject, text: mail.text } satisfies NotificationEmailJob);
  return "queued";
}

/** Queues a mail that has no event of its own (the digest: its claim is the digest row's date). */
export async function queueDigestEmail(env: MailingEnv, orgId: string, userId: string, mail: { subject: string; text: string }) {
  await enqueue(env, { type: NOTIFICATION_EMAIL_JOB, orgId, userId, subject: mail.subject, text: mail.text } satisfies NotificationEmailJob);
}

/** The queue job: mails the member at their current address; a member who left gets nothing. */
export async function sendNotificationEmail(env: Parameters<JobHandler>[0], job: Parameters<JobHandler>[1]): Promise<void> {
  const { orgId, userId, subject, text } = job as NotificationEmailJob;
  const db = directoryDb(env);
  const member = await db
    .select({ email: users.email, name: users.name, orgName: organizations.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .get();
  if (!member) return;
  const from = `notifications@${mailDomain(env)}`;
  const raw = buildMime({
    from: { addr: from, name: `${member.orgName} on NeuraCRM` },
    to: [{ addr: member.email, name: member.name }],
    subject,
    text,
    headers: { "Auto-Submitted": "auto-generated" },
  });
  await sendMime(env, from, member.email, raw);
}
