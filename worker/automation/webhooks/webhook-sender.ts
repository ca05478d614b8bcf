import { Webhook } from "standardwebhooks";
import type { Env } from "../../platform/env";
import { outboundFetch } from "../../platform/outbound-fetch";
import type { WebhookDelivery, WebhookEndpoint } from "../../../schema";
import { openWebhookSecret } from "./webhook-secrets";

/**
 * One HTTP attempt of a message, signed per the Standard Webhooks
 * specification. It goes through the outbound guard every time (the URL was
 * checked when saved, the rules may have tightened since) and never follows
 * a redirect: a receiver that moved must be updated, not guessed at.
 */

export const SEND_TIMEOUT_MS = 15_000;
/** What is kept of a receiver's answer or an error, for the delivery log. */
export const SNIPPET_BYTES = 1024;
export const WEBHOOK_USER_AGENT = "NeuraCRM-Webhooks/1.0 (+https://www.standardwebhooks.com)";

export interface AttemptOutcome {
  statusCode: number | null;
  ok: boolean;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
}

/** The `webhook-id`: a replay resends the message it replays, under the same id. */
export const messageIdOf = (delivery: Pick<WebhookDelivery, "id" | "replayOf">) => delivery.replayOf ?? delivery.id;

export function deliveryHeaders(delivery: Pick<WebhookDelivery, "id" | "replayOf">) {
  return { "webhook-id": messageIdOf(delivery), "content-type": "application/json", "user-agent": WEBHOOK_USER_AGENT };
}

async function snippet(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut off mid-stream still leaves what arrived worth showing.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) bytes.set(c, (at += c.byteLength) - c.byteLength);
  const text = new TextDecoder().decode(bytes.subarray(0, SNIPPET_BYTES));
  return text || null;
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (/redirects from/.test(message) ? `Redirect not followed: ${message}` : message).slice(0, SNIPPET_BYTES);
}

/**
 * Signs with the wall clock of the send, not the scheduler's clock: the
 * `webhook-timestamp` states when this request left, which receivers check
 * against their own clock to refuse replays.
 */
export async function sendMessage(
  env: Pick<Env, "ENCRYPTION_KEY" | "OUTBOUND_ALLOW_LOOPBACK">,
  endpoint: Pick<WebhookEndpoint, "id" | "url" | "secretSealed">,
  delivery: Pick<WebhookDelivery, "id" | "replayOf" | "payload">,
): Promise<AttemptOutcome> {
  const started = Date.now();
  try {
    const secret = await openWebhookSecret(env, endpoint);
    const sentAt = new Date();
    const signature = new Webhook(secret).sign(messageIdOf(delivery), sentAt, delivery.payload);
    const res = await outboundFetch(env, endpoint.url, {
      method: "POST",
      body: delivery.payload,
      headers: { ...deliveryHeaders(delivery), "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)), "webhook-signature": signature },
      timeoutMs: SEND_TIMEOUT_MS,
      maxRedirects: 0,
      maxBytes: 64 * 1024,
    });
    const responseBody = await snippet(res);
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, ok, durationMs: Date.now() - started, error: ok ? null : `HTTP ${res.status}`, responseBody };
  } catch (err) {
    return { statusCode: null, ok: false, durationMs: Date.now() - started, error: describe(err), responseBody: null };
  }
}
