import type { Env } from "./env";
import { outboundFetch } from "./outbound-fetch";

/**
 * Sending a built MIME message (see mime-message.ts) through whichever
 * outbound sender the deployment has: Cloudflare's `send_email` binding
 * (SEND_EMAIL), else an HTTP email API speaking Mailgun's `messages.mime`
 * (EMAIL_API_URL + EMAIL_API_KEY). With neither, mail is not configured and
 * features say so instead of pretending to send.
 */

/** The domain our mail comes from and support mail arrives at (EMAIL_DOMAIN). */
export const DEFAULT_MAIL_DOMAIN = "inbound.neuracrm.local";
export const mailDomain = (env: Pick<Env, "EMAIL_DOMAIN">) => env.EMAIL_DOMAIN?.trim().toLowerCase() || DEFAULT_MAIL_DOMAIN;

export type MailEnv = Pick<Env, "SEND_EMAIL" | "EMAIL_API_URL" | "EMAIL_API_KEY" | "OUTBOUND_ALLOW_LOOPBACK">;

export type MailProvider = "cloudflare_send_email" | "mailgun";

export type MailStatus = { configured: true; provider: MailProvider; message: null } | { configured: false; provider: null; message: string };

/** Which sender is configured, or what to set up; `consequence` says what the feature does meanwhile. */
export function mailStatus(env: Pick<Env, "SEND_EMAIL" | "EMAIL_API_KEY" | "EMAIL_API_URL">, consequence = "nothing is mailed"): MailStatus {
  const api = Boolean(env.EMAIL_API_KEY?.trim() && env.EMAIL_API_URL?.trim());
  const provider = env.SEND_EMAIL ? "cloudflare_send_email" : api ? "mailgun" : null;
  if (provider) return { configured: true, provider, message: null };
  const message = env.EMAIL_API_KEY?.trim()
    ? "EMAIL_API_KEY is set but EMAIL_API_URL is missing: set it to your Mailgun messages.mime endpoint"
    : `No outbound sender configured: add a send_email binding (SEND_EMAIL) or set EMAIL_API_URL and EMAIL_API_KEY; ${consequence}`;
  return { configured: false, provider: null, message };
}

/** The sender refused or could not be reached; the message was not sent (queue jobs throw it to be retried). */
export class DeliveryError extends Error {}

/** A stuck email API must not hold the queue consumer; the job is retried. */
const SEND_TIMEOUT_MS = 30_000;

/** Mailgun: POST <EMAIL_API_URL> (…/v3/<domain>/messages.mime), basic auth `api:<key>`, form fields `to` and `message`. */
async function sendViaMailgun(env: MailEnv, to: string[], raw: string) {
  const form = new FormData();
  form.set("to", to.join(", "));
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

/**
 * Sends `raw` from `from` to every recipient (To and Cc alike: the envelope
 * decides who receives it). The binding takes one recipient per message.
 */
export async function sendMime(env: MailEnv, from: string, to: string | string[], raw: string) {
  const recipients = Array.isArray(to) ? to : [to];
  if (env.SEND_EMAIL) {
    const { EmailMessage } = await import("cloudflare:email");
    for (const recipient of recipients) {
      try {
        await env.SEND_EMAIL.send(new EmailMessage(from, recipient, raw));
      } catch (err) {
        throw new DeliveryError(`send_email refused the message: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return;
  }
  await sendViaMailgun(env, recipients, raw);
}
