import { createMimeMessage, Mailbox } from "mimetext/browser";
import type { Env } from "../../platform/env";
import { outboundFetch } from "../../platform/outbound-fetch";
import { emailDomain } from "../support-settings";

/**
 * Outbound mail for public replies. One RFC 5322 message (built with
 * mimetext) serves both senders: Cloudflare's `send_email` binding takes it as
 * an EmailMessage, and Mailgun's `messages.mime` endpoint takes it as the
 * `message` part of a form upload.
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

function base64Lines(text: string) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/.{76}/g, "$&\r\n");
}

export function buildReplyMime(mail: ReplyMail): string {
  const msg = createMimeMessage();
  msg.setSender(mail.from.name ? { addr: mail.from.addr, name: mail.from.name } : mail.from.addr);
  msg.setTo(mail.to.name ? { addr: mail.to.addr, name: mail.to.name } : mail.to.addr);
  msg.setSubject(mail.subject);
  msg.setHeader("Message-ID", mail.messageId);
  msg.setHeader("Reply-To", new Mailbox(mail.replyTo));
  if (mail.inReplyTo) msg.setHeader("In-Reply-To", mail.inReplyTo);
  if (mail.references.length) msg.setHeader("References", mail.references.join(" "));
  msg.setHeader("X-NeuraCRM-Ticket", String(mail.ticketNumber));
  // mimetext writes the data as given: non-ASCII text goes base64 so the message stays 7-bit clean.
  const ascii = /^[\x00-\x7f]*$/.test(mail.text);
  msg.addMessage({ contentType: "text/plain", charset: "UTF-8", encoding: ascii ? "7bit" : "base64", data: ascii ? mail.text : base64Lines(mail.text) });
  return msg.asRaw();
}

export class DeliveryError extends Error {}

/** A stuck email API must not hold the queue consumer; the job is retried. */
const SEND_TIMEOUT_MS = 30_000;

/** Mailgun: POST <EMAIL_API_URL> (…/v3/<domain>/messages.mime), basic auth `api:<key>`, form fields `to` and `message`. */
async function sendViaMailgun(env: Pick<Env, "EMAIL_API_URL" | "EMAIL_API_KEY" | "OUTBOUND_ALLOW_LOOPBACK">, to: string, raw: string) {
  const form = new FormData();
  form.set("to", to);
  form.set("message", new Blob([raw], { type: "message/rfc822" }), "message.mime");
  let res: Response;
  try {
    res = await outboundFetch(env, env.EMAIL_API_URL!, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`api:${env.EMAIL_API_KEY}`)}` },
      body: form,
      timeoutMs: SEND_TIMEOUT_MS,
    });
  } catch (err) {
    throw new DeliveryError(`Email API unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 300);
    try {
      detail = (JSON.parse(text) as { message?: string }).message ?? detail;
    } catch {
      // a non-JSON error body is shown as it is
    }
    throw new DeliveryError(`Email API answered ${res.status}: ${detail}`);
  }
}

/** Sends through whichever sender is configured (outboundStatus decides which one that is). */
export async function sendMime(env: Pick<Env, "SEND_EMAIL" | "EMAIL_API_URL" | "EMAIL_API_KEY" | "OUTBOUND_ALLOW_LOOPBACK">, from: string, to: string, raw: string) {
  if (env.SEND_EMAIL) {
    const { EmailMessage } = await import("cloudflare:email");
    try {
      await env.SEND_EMAIL.send(new EmailMessage(from, to, raw));
    } catch (err) {
      throw new DeliveryError(`send_email refused the message: ${err instanceof Error ? err.message : String(err)}`);
    }
    return;
  }
  await sendViaMailgun(env, to, raw);
}
