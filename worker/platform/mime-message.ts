import { createMimeMessage, Mailbox } from "mimetext/browser";
import { toBase64 } from "./crypto";

/**
 * One RFC 5322 message built with mimetext: what every sender takes
 * (Cloudflare's `send_email` binding as an EmailMessage, an HTTP email API as
 * an upload). mimetext writes parts as given, so text that is not ASCII and
 * every attachment go base64 in lines of 76 characters, keeping the message
 * 7-bit clean.
 */

export interface MailAddress {
  addr: string;
  name?: string;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface MimeMail {
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  replyTo?: string;
  subject: string;
  /** Message-ID, In-Reply-To, X-… headers. */
  headers?: Record<string, string>;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

const wrap76 = (base64: string) => base64.replace(/.{76}/g, "$&\r\n");

function base64Text(text: string) {
  return wrap76(toBase64(new TextEncoder().encode(text)));
}

const mailbox = (a: MailAddress) => (a.name ? { addr: a.addr, name: a.name } : { addr: a.addr });

function textPart(contentType: string, data: string) {
  const ascii = /^[\x00-\x7f]*$/.test(data);
  return { contentType, charset: "UTF-8", encoding: ascii ? ("7bit" as const) : ("base64" as const), data: ascii ? data : base64Text(data) };
}

export function buildMime(mail: MimeMail): string {
  const msg = createMimeMessage();
  msg.setSender(mailbox(mail.from));
  msg.setTo(mail.to.map(mailbox));
  if (mail.cc?.length) msg.setCc(mail.cc.map(mailbox));
  msg.setSubject(mail.subject);
  if (mail.replyTo) msg.setHeader("Reply-To", new Mailbox(mail.replyTo));
  for (const [name, value] of Object.entries(mail.headers ?? {})) msg.setHeader(name, value);
  msg.addMessage(textPart("text/plain", mail.text));
  if (mail.html) msg.addMessage(textPart("text/html", mail.html));
  for (const a of mail.attachments ?? []) {
    msg.addAttachment({ filename: a.filename, contentType: a.contentType, encoding: "base64", data: wrap76(toBase64(a.bytes)) });
  }
  return msg.asRaw();
}
