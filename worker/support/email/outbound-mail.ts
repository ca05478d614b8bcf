import { and, desc, eq, isNotNull, ne, sql } from "drizzle-orm";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { contacts, organizations, supportComments } from "../../../schema";
import { enqueue, type JobHandler } from "../../platform/job-queue";
import { auditStatement } from "../../platform/audit-writer";
import type { Comment } from "../tickets/ticket-comments";
import { publicComment } from "../tickets/ticket-comments";
import { publishTicket } from "../tickets/ticket-events";
import { DeliveryError, sendMime } from "../../platform/mail-sender";
import { buildReplyMime, isOwnMessageId, outboundMessageId } from "./outbound-mime";
import { getSupportSettings, outboundStatus, settingsView } from "../support-settings";
import { addMessageIds, subjectTag } from "./mail-threading";
import { requireTicket, type Ticket } from "../tickets/tickets";

export const REPLY_JOB = "support-email-reply";

export type OutboundEnv = Pick<Env, "DB" | "JOBS" | "EMAIL_DOMAIN" | "SEND_EMAIL" | "EMAIL_API_URL" | "EMAIL_API_KEY" | "OUTBOUND_ALLOW_LOOPBACK">;

/** Only public agent replies on email tickets are mailed; notes and the requester's own mail are not. */
export const shouldMail = (ticket: Ticket, comment: Pick<Comment, "kind" | "authorType">) =>
  ticket.channel === "email" && comment.kind === "public" && comment.authorType === "user";

async function setDelivery(env: Pick<Env, "DB">, orgId: string, commentId: string, patch: SQLiteUpdateSetSource<typeof supportComments>) {
  const [row] = await orgDb(env, orgId)
    .update(supportComments)
    .set(patch)
    .where(and(eq(supportComments.orgId, orgId), eq(supportComments.id, commentId)))
    .returning();
  return row!;
}

/**
 * Called right after a public reply is saved. With a sender configured the
 * reply gets its Message-ID (recorded on the ticket so answers thread back)
 * and is queued; without one it is marked `not_configured` with what to set
 * up. The request never waits for the mail itself.
 */
export async function queueReplyMail(env: OutboundEnv, orgId: string, ticket: Ticket, comment: ReturnType<typeof publicComment>) {
  if (!shouldMail(ticket, comment)) return comment;
  const status = outboundStatus(env);
  if (!status.configured) {
    return publicComment(await setDelivery(env, orgId, comment.id, { deliveryStatus: "not_configured", deliveryError: status.message }));
  }
  const messageId = outboundMessageId(env, comment.id);
  const row = await setDelivery(env, orgId, comment.id, { deliveryStatus: "queued", deliveryError: null, emailMessageId: messageId });
  await addMessageIds(orgDb(env, orgId), orgId, ticket.id, [messageId]);
  await enqueue(env as Env, { type: REPLY_JOB, orgId, commentId: comment.id });
  return publicComment(row);
}

async function recipientOf(env: Pick<Env, "DB">, orgId: string, ticket: Ticket) {
  if (ticket.requesterEmail) return { addr: ticket.requesterEmail, name: ticket.requesterName ?? undefined };
  if (!ticket.contactId) return null;
  const contact = await orgDb(env, orgId)
    .select({ email: contacts.email, firstName: contacts.firstName, lastName: contacts.lastName })
    .from(contacts)
    .where(and(eq(contacts.orgId, orgId), eq(contacts.id, ticket.contactId)))
    .get();
  return contact?.email ? { addr: contact.email, name: `${contact.firstName} ${contact.lastName}`.trim() || undefined } : null;
}

/** The newest mail from the requester on this ticket: what our reply answers (In-Reply-To). */
async function lastInboundId(env: Pick<Env, "DB" | "EMAIL_DOMAIN">, orgId: string, ticket: Ticket, beforeCommentId: string) {
  const row = await orgDb(env, orgId)
    .select({ id: supportComments.emailMessageId })
    .from(supportComments)
    .where(
      and(
        eq(supportComments.orgId, orgId),
        eq(supportComments.ticketId, ticket.id),
        ne(supportComments.authorType, "user"),
        ne(supportComments.id, beforeCommentId),
        isNotNull(supportComments.emailMessageId),
      ),
    )
    .orderBy(desc(supportComments.createdAt))
    .get();
  return row?.id ?? ticket.emailMessageIds.find((id) => !isOwnMessageId(env, id)) ?? ticket.emailMessageIds[0] ?? null;
}

const replySubject = (ticket: Ticket) => {
  const base = ticket.subject.replace(/\s*\[#\d+-[A-Za-z0-9_-]+\]\s*/g, " ").trim();
  return `${/^re:/i.test(base) ? base : `Re: ${base}`} ${subjectTag(ticket)}`;
};

/** Builds and sends one reply; throws (so the queue retries) when the sender fails. */
export async function deliverReply(env: Env, job: { orgId: string; commentId: string }) {
  const db = orgDb(env, job.orgId);
  const comment = await db
    .select()
    .from(supportComments)
    .where(and(eq(supportComments.orgId, job.orgId), eq(supportComments.id, job.commentId)))
    .get();
  if (!comment || comment.deliveryStatus === "sent") return;
  const ticket = await requireTicket(db, job.orgId, comment.ticketId);
  const status = outboundStatus(env);
  const recipient = await recipientOf(env, job.orgId, ticket);
  const fail = async (reason: string, deliveryStatus: "failed" | "not_configured") => {
    const row = await setDelivery(env, job.orgId, comment.id, { deliveryStatus, deliveryError: reason, deliveryAttempts: sql`${supportComments.deliveryAttempts} + 1` });
    await publishTicket(env, job.orgId, "ticket_updated", ticket, null, { comment: publicComment(row) });
  };
  if (!status.configured) return fail(status.message, "not_configured");
  if (!recipient) return fail("The ticket has no requester email address", "failed");

  const settings = await getSupportSettings(db, job.orgId);
  const org = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, job.orgId)).get();
  const inbound = settingsView(env, settings).inboundAddress;
  const from = settings.fromAddress ?? inbound;
  const messageId = comment.emailMessageId ?? outboundMessageId(env, comment.id);
  const inReplyTo = await lastInboundId(env, job.orgId, ticket, comment.id);
  const references = ticket.emailMessageIds.filter((id) => id !== messageId).slice(-20);
  const raw = buildReplyMime({
    from: { addr: from, name: settings.fromName ?? org?.name },
    replyTo: inbound,
    to: recipient,
    subject: replySubject(ticket),
    messageId,
    inReplyTo,
    references,
    text: comment.body,
    ticketNumber: ticket.number,
  });
  try {
    await sendMime(env, from, recipient.addr, raw);
  } catch (err) {
    await fail(err instanceof Error ? err.message : String(err), "failed");
    throw err instanceof DeliveryError ? err : new DeliveryError(String(err));
  }
  const [[row]] = await db.batch([
    db
      .update(supportComments)
      .set({ deliveryStatus: "sent", deliveryError: null, deliveredAt: Date.now(), emailMessageId: messageId, deliveryAttempts: sql`${supportComments.deliveryAttempts} + 1` })
      .where(and(eq(supportComments.orgId, job.orgId), eq(supportComments.id, comment.id)))
      .returning(),
    auditStatement(db, job.orgId, { actorId: null, action: "email_sent", entity: "ticket", entityId: ticket.id, changes: { commentId: comment.id, to: recipient.addr, messageId, provider: status.provider } }),
  ]);
  await addMessageIds(db, job.orgId, ticket.id, [messageId]);
  await publishTicket(env, job.orgId, "ticket_updated", ticket, null, { comment: publicComment(row!) });
  return { raw, messageId };
}

export const replyJob: JobHandler = async (env, job) => {
  await deliverReply(env, job as unknown as { orgId: string; commentId: string });
};
