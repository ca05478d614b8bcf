import type { Env } from "../../platform/env";
import { buildMime } from "../../platform/mime-message";
import { emailDomain } from "../support-settings";

/**
 * Outbound mail for public replies: the reply's threading headers on the
 * platform's MIME message (platform/mime-message.ts), sent by the platform's
 * sender (platform/mail-sender.ts).
 */

/** Our replies' Message-IDs: stable per comment, so a retried send keeps its id, and recognizable, so they never loop back in. */
export const outboundMessageId = (env: Pick<Env, "EMAIL_DOMAIN">, commentId: string) => `<reply-${commentId}@${emailDomain(env)}>`;

export const isOwnMessageId = (env: Pick<Env, "EMAIL_DOMAIN">, id: string) => id.toLowerCase().startsWith("<reply-") && id.toLowerCase().endsWith(`@${emailDomain(env)}>`);

export interface ReplyMail {
  from: { addr: string; name?: string };
  replyTo: string;
  to: { addr: string; name?: string };
  subject: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  text: string;
  ticketNumber: number;
}

export function buildReplyMime(mail: ReplyMail): string {
  const headers: Record<string, string> = { "Message-ID": mail.messageId };
  if (mail.inReplyTo) headers["In-Reply-To"] = mail.inReplyTo;
  if (mail.references.length) headers.References = mail.references.join(" ");
  headers["X-NeuraCRM-Ticket"] = String(mail.ticketNumber);
  return buildMime({ from: mail.from, to: [mail.to], replyTo: mail.replyTo, subject: mail.subject, headers, text: mail.text });
}
