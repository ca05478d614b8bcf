import PostalMime, { type Address, type Email } from "postal-mime";
import { normalizeMessageId } from "./mail-threading";
import { htmlToText, sanitizeMailHtml } from "./email-html";

/** Larger mail is refused before it is read (Email Routing itself stops at 25 MiB). */
export const MAX_INBOUND_BYTES = 25 * 1024 * 1024;
/** At most this many parts are kept as attachments; the rest are noted as skipped. */
export const MAX_INBOUND_ATTACHMENTS = 20;
const MAX_BODY_CHARS = 100_000;

export interface InboundAttachment {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** A parsed, validated inbound mail: everything the ticket write needs, decided before anything is written. */
export interface InboundMail {
  messageId: string;
  /** In-Reply-To first, then References, newest first: the ids a reply may thread on. */
  threadIds: string[];
  subject: string;
  fromEmail: string;
  fromName: string | null;
  text: string;
  html: string | null;
  attachments: InboundAttachment[];
  /** Set when the parsed headers mark the mail as machine-sent (see isAutomatedMail). */
  automated: string | null;
}

/** Why a mail was refused; the reason goes back to the sending server with `setReject`. */
export class MailRejected extends Error {}

const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

function firstMailbox(address: Address | undefined) {
  if (!address) return null;
  const box = address.group ? address.group[0] : address;
  if (!box?.address || !ADDRESS.test(box.address.trim())) return null;
  return { email: box.address.trim().toLowerCase(), name: box.name?.trim() || null };
}

/** `<a@b> <c@d>` → ["<a@b>", "<c@d>"]; tolerates ids sent without brackets. */
export function messageIdList(value: string | undefined): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  const ids = bracketed ?? value.split(/[\s,]+/).filter((v) => v.includes("@"));
  return ids.map(normalizeMessageId);
}

async function sha256Hex(data: Uint8Array) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Drops the quoted history mail clients append to replies, so a threaded comment holds what is new. */
export function stripQuotedReply(text: string): string {
  const lines = text.split("\n");
  const cut = lines.findIndex(
    (line, i) =>
      /^On .{4,200} wrote:\s*$/.test(line.trim()) ||
      (/^On .{4,200}$/.test(line.trim()) && /wrote:\s*$/.test(lines[i + 1] ?? "")) ||
      /^-{2,}\s*Original Message\s*-{2,}$/i.test(line.trim()),
  );
  const kept = (cut >= 0 ? lines.slice(0, cut) : lines).join("\n");
  const withoutTrailingQuote = kept.replace(/(\n>[^\n]*)+\s*$/, "").trim();
  return withoutTrailingQuote || text.trim();
}

function bodyOf(email: Email) {
  const text = email.text?.trim() ? email.text : email.html ? htmlToText(email.html) : "";
  return text.replace(/\r\n?/g, "\n").trim().slice(0, MAX_BODY_CHARS);
}

function attachmentsOf(email: Email): InboundAttachment[] {
  return email.attachments
    .filter((a) => !(a.related && a.disposition === "inline" && !a.filename))
    .map((a, i) => ({
      filename: a.filename?.trim() || `attachment-${i + 1}`,
      contentType: a.mimeType || "application/octet-stream",
      data: a.content instanceof ArrayBuffer ? new Uint8Array(a.content) : typeof a.content === "string" ? new TextEncoder().encode(a.content) : a.content,
    }));
}

const tooLarge = () => new MailRejected(`Message too large (limit ${MAX_INBOUND_BYTES} bytes)`);

/** The raw stream read only up to the limit, so a message longer than its announced size is refused, not buffered whole. */
async function readCapped(raw: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = raw.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_INBOUND_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Reads and parses the raw message with postal-mime and checks it can become
 * a ticket: a sender address, and some content. Throws MailRejected otherwise.
 */
export async function parseInboundMail(raw: ReadableStream<Uint8Array> | ArrayBuffer | Uint8Array): Promise<InboundMail> {
  const bytes = raw instanceof Uint8Array ? raw : raw instanceof ArrayBuffer ? new Uint8Array(raw) : await readCapped(raw);
  if (bytes.byteLength === 0) throw new MailRejected("Empty message");
  if (bytes.byteLength > MAX_INBOUND_BYTES) throw tooLarge();
  let email: Email;
  try {
    email = await PostalMime.parse(bytes, { maxNestingDepth: 50, attachmentEncoding: "arraybuffer" });
  } catch (err) {
    throw new MailRejected(`Malformed message: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!email.headers.length) throw new MailRejected("Malformed message: no headers");
  const from = firstMailbox(email.from);
  if (!from) throw new MailRejected("Malformed message: no valid From address");
  const text = bodyOf(email);
  const attachments = attachmentsOf(email);
  const subject = (email.subject ?? "").replace(/\s+/g, " ").trim().slice(0, 300);
  if (!text && !attachments.length && !subject) throw new MailRejected("Empty message: no subject, body or attachments");
  const ownId = messageIdList(email.messageId)[0];
  return {
    messageId: ownId ?? `<sha256-${await sha256Hex(bytes)}@inbound.invalid>`,
    threadIds: [...messageIdList(email.inReplyTo), ...messageIdList(email.references).reverse()],
    subject,
    fromEmail: from.email,
    fromName: from.name,
    text,
    html: email.html ? sanitizeMailHtml(email.html) : null,
    attachments,
    automated: isAutomatedMail(parsedHeaders(email), from.email),
  };
}

function parsedHeaders(email: Email) {
  const map = new Map<string, string>();
  for (const h of email.headers) if (!map.has(h.key)) map.set(h.key, h.value);
  return { get: (name: string) => map.get(name.toLowerCase()) ?? null, has: (name: string) => map.has(name.toLowerCase()) };
}

/** Header signs of machine-sent mail (RFC 3834 Auto-Submitted, Precedence, vendor flags) that must not open tickets. */
export function isAutomatedMail(headers: Pick<Headers, "get" | "has">, envelopeFrom: string): string | null {
  const auto = headers.get("auto-submitted")?.trim().toLowerCase();
  if (auto && auto !== "no") return `Auto-Submitted: ${auto}`;
  const precedence = headers.get("precedence")?.trim().toLowerCase();
  if (precedence && ["bulk", "junk", "list", "auto_reply"].includes(precedence)) return `Precedence: ${precedence}`;
  if (headers.has("x-autoreply") || headers.has("x-autorespond")) return "X-Autoreply";
  if (!envelopeFrom.trim() || /^(mailer-daemon|postmaster)@/i.test(envelopeFrom.trim())) return "bounce (null or daemon sender)";
  return null;
}
