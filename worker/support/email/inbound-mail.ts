import { and, asc, eq, sql } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { contacts } from "../../../schema";
import { stripQuotedReply, type InboundAttachment, type InboundMail } from "./email-parse";
import { auditStatement } from "../../platform/audit-writer";
import { isUniqueViolation } from "../../platform/records";
import { ALLOWED_ATTACHMENT_TYPES, baseContentType, MAX_ATTACHMENT_BYTES, storeAttachment } from "../tickets/ticket-attachments";
import { publishTicket } from "../tickets/ticket-events";
import type { SupportActor } from "../sla/sla";
import { findTicketForMail } from "./mail-threading";
import { commentOnTicket, openTicket } from "../tickets/ticket-flow";
import { requireTicket, type Ticket } from "../tickets/tickets";

type InboundEnv = Env;

/** The system receives mail: no user acts. */
const SYSTEM: SupportActor = { userId: null };

/** Mail clients often label files application/octet-stream; the extension then names the type. */
const BY_EXTENSION: Record<string, string> = {
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  txt: "text/plain",
  csv: "text/csv",
  zip: "application/zip",
  json: "application/json",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  eml: "message/rfc822",
};

function effectiveType(file: InboundAttachment) {
  const type = baseContentType(file.contentType);
  if (type !== "application/octet-stream") return type;
  return BY_EXTENSION[file.filename.split(".").pop()?.toLowerCase() ?? ""] ?? type;
}

export interface RefusedAttachment {
  filename: string;
  reason: string;
}

/** Splits the mail's files into those we will store and those refused by type, size or count, before any write. */
export function screenAttachments(files: InboundAttachment[], maxCount: number) {
  const accepted: InboundAttachment[] = [];
  const refused: RefusedAttachment[] = [];
  for (const file of files) {
    const contentType = effectiveType(file);
    if (!(ALLOWED_ATTACHMENT_TYPES as readonly string[]).includes(contentType)) refused.push({ filename: file.filename, reason: `type ${contentType} not accepted` });
    else if (file.data.byteLength === 0) refused.push({ filename: file.filename, reason: "empty file" });
    else if (file.data.byteLength > MAX_ATTACHMENT_BYTES) refused.push({ filename: file.filename, reason: `larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB` });
    else if (accepted.length >= maxCount) refused.push({ filename: file.filename, reason: `more than ${maxCount} attachments` });
    else accepted.push({ ...file, contentType });
  }
  return { accepted, refused };
}

const refusalNote = (refused: RefusedAttachment[]) =>
  refused.length ? `\n\n[Attachments not accepted: ${refused.map((r) => `${r.filename} (${r.reason})`).join("; ")}]` : "";

async function contactFor(env: InboundEnv, orgId: string, email: string) {
  return orgDb(env, orgId)
    .select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName })
    .from(contacts)
    .where(and(eq(contacts.orgId, orgId), sql`lower(${contacts.email}) = ${email.toLowerCase()}`))
    .orderBy(asc(contacts.createdAt))
    .get();
}

/** The ticket a reply belongs to: merged tickets forward to their target; a closed one takes no more mail. */
async function threadTarget(env: InboundEnv, orgId: string, mail: InboundMail): Promise<Ticket | null> {
  const db = orgDb(env, orgId);
  let ticket = await findTicketForMail(db, orgId, { messageIds: mail.threadIds, subject: mail.subject });
  for (let hops = 0; ticket?.mergedIntoId && hops < 5; hops++) ticket = await requireTicket(db, orgId, ticket.mergedIntoId);
  return ticket && ticket.status !== "closed" ? ticket : null;
}

type MailContact = Awaited<ReturnType<typeof contactFor>>;

/** The one atomic write a mail makes: a requester reply on `existing`, or a new ticket. */
async function writeMail(env: InboundEnv, orgId: string, mail: InboundMail, existing: Ticket | null, contact: MailContact, refused: RefusedAttachment[]) {
  if (existing) {
    const result = await commentOnTicket(env, orgId, SYSTEM, existing.id, {
      kind: "public",
      body: (stripQuotedReply(mail.text) || "(no text)") + refusalNote(refused),
      bodyHtml: mail.html,
      authorType: contact ? "contact" : "email",
      authorId: contact?.id ?? null,
      authorEmail: mail.fromEmail,
      authorName: mail.fromName ?? (contact ? `${contact.firstName} ${contact.lastName}`.trim() : null),
      emailMessageId: mail.messageId,
    });
    return { ticket: result.after, commentId: result.comment.id as string | null };
  }
  const ticket = await openTicket(env, orgId, SYSTEM, {
    subject: mail.subject || "(no subject)",
    description: (mail.text || "(no text)") + refusalNote(refused),
    channel: "email",
    contactId: contact?.id ?? null,
    requesterEmail: mail.fromEmail,
    requesterName: mail.fromName,
    emailMessageIds: [mail.messageId],
    sourceMessageId: mail.messageId,
  });
  return { ticket, commentId: null };
}

export type ReceiveResult =
  | { outcome: "duplicate"; ticketId: string }
  | { outcome: "created" | "replied"; ticketId: string; commentId: string | null; stored: number; refused: RefusedAttachment[]; failed: string[] };

/**
 * Turns one validated mail into a ticket or a requester reply. The ticket (or
 * comment) is one atomic write that already names any refused attachments;
 * files are stored after it, each on its own, and a file that fails to store
 * is recorded in the ticket's history rather than undoing the accepted mail.
 * Two deliveries of one mail at the same instant both pass the redelivery
 * check; the unique Message-ID indexes (migration 0010) let only one write
 * land, and the other answers "duplicate" having written nothing.
 */
export async function receiveMail(env: InboundEnv, orgId: string, mail: InboundMail, maxAttachments: number): Promise<ReceiveResult> {
  const db = orgDb(env, orgId);
  // A redelivered mail (same Message-ID) is already on a ticket.
  const seen = await findTicketForMail(db, orgId, { messageIds: [mail.messageId] });
  if (seen) return { outcome: "duplicate", ticketId: seen.id };

  const { accepted, refused } = screenAttachments(mail.attachments, maxAttachments);
  const contact = await contactFor(env, orgId, mail.fromEmail);
  const existing = await threadTarget(env, orgId, mail);

  let ticket: Ticket;
  let commentId: string | null = null;
  try {
    ({ ticket, commentId } = await writeMail(env, orgId, mail, existing, contact, refused));
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await findTicketForMail(db, orgId, { messageIds: [mail.messageId] });
    if (!winner) throw err;
    return { outcome: "duplicate", ticketId: winner.id };
  }

  let stored = 0;
  const failed: string[] = [];
  for (const file of accepted) {
    try {
      await storeAttachment(env, orgId, SYSTEM, ticket.id, { filename: file.filename, contentType: file.contentType, data: file.data, commentId });
      stored++;
    } catch (err) {
      failed.push(file.filename);
      console.error(JSON.stringify({ level: "error", msg: "inbound attachment not stored", orgId, ticketId: ticket.id, filename: file.filename, err: String(err) }));
    }
  }
  if (failed.length) {
    await auditStatement(db, orgId, {
      actorId: null,
      action: "attach_failed",
      entity: "ticket",
      entityId: ticket.id,
      changes: { filenames: failed, messageId: mail.messageId },
    });
  }
  if (stored) await publishTicket(env, orgId, "ticket_updated", await requireTicket(db, orgId, ticket.id), null);
  return { outcome: existing ? "replied" : "created", ticketId: ticket.id, commentId, stored, refused, failed };
}
