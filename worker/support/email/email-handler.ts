import type { Env } from "../../platform/env";
import { directoryDb } from "../../platform/db";
import { receiveMail } from "./inbound-mail";
import { isOwnMessageId } from "./outbound-mime";
import { orgForInboundAddress } from "../support-settings";
import { isAutomatedMail, MAX_INBOUND_ATTACHMENTS, MAX_INBOUND_BYTES, MailRejected, parseInboundMail } from "./email-parse";

const log = (level: "info" | "warn", msg: string, data: Record<string, unknown>) => console.log(JSON.stringify({ level, msg, ...data }));

/**
 * The Email Worker entry (`email()` export): mail to an organization's inbound
 * address becomes a ticket, or a reply on the ticket it answers. Everything
 * that can refuse a mail (recipient, size, parse, sender) is checked before
 * the first write, so a rejected mail leaves nothing behind. Machine-sent mail
 * (auto-replies, bounces, bulk, our own replies) is dropped without a bounce,
 * which would only feed the loop.
 */
export async function handleInboundEmail(message: ForwardableEmailMessage, env: Env): Promise<void> {
  const to = message.to.trim().toLowerCase();
  const orgId = await orgForInboundAddress(directoryDb(env), env, to);
  if (!orgId) {
    log("warn", "inbound mail rejected", { to, reason: "unknown recipient" });
    return message.setReject(`Unknown recipient: ${to} is not a support address here`);
  }
  if (message.rawSize > MAX_INBOUND_BYTES) return message.setReject(`Message too large (limit ${MAX_INBOUND_BYTES} bytes)`);
  const automated = isAutomatedMail(message.headers, message.from);
  if (automated) return log("info", "inbound mail ignored", { orgId, reason: automated });

  let mail;
  try {
    mail = await parseInboundMail(message.raw);
  } catch (err) {
    if (!(err instanceof MailRejected)) throw err;
    log("warn", "inbound mail rejected", { orgId, reason: err.message });
    return message.setReject(err.message);
  }
  if (mail.automated) return log("info", "inbound mail ignored", { orgId, reason: mail.automated });
  if (isOwnMessageId(env, mail.messageId) || mail.fromEmail === to) {
    return log("info", "inbound mail ignored", { orgId, reason: "our own outbound mail" });
  }
  const result = await receiveMail(env, orgId, mail, MAX_INBOUND_ATTACHMENTS);
  log("info", "inbound mail", { orgId, messageId: mail.messageId, ...result });
}
