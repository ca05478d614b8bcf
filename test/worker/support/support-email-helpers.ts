/// <reference types="vite/client" />
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import worker from "../../../worker/index";
import { api, type Account } from "../../helpers";

/** The .eml fixtures, as the bytes a mail server would deliver (they are ASCII, CRLF line ends). */
const files = import.meta.glob("../../fixtures/mail/*.eml", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

export function fixture(name: string, replace: Record<string, string> = {}): string {
  const raw = files[`../../fixtures/mail/${name}`];
  if (raw === undefined) throw new Error(`no fixture ${name}`);
  return Object.entries(replace).reduce((text, [from, to]) => text.split(from).join(to), raw);
}

/** The header block as Email Routing hands it to the worker (`message.headers`). */
function headersOf(raw: string) {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? "";
  const headers = new Headers();
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    try {
      headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
    } catch {
      // a header Headers cannot hold (non-ASCII name) is still in the raw message
    }
  }
  return headers;
}

export interface Delivery {
  rejected: string | null;
}

/**
 * Delivers a raw mail to the worker's real `email()` export, the way Email
 * Routing does: a ForwardableEmailMessage with the envelope, headers and raw
 * stream. `setReject` only records the reason, which is all the runtime does
 * with it too (the SMTP session answers with it).
 */
export async function deliver(raw: string | Uint8Array, envelope: { from: string; to: string }, workerEnv: object = env): Promise<Delivery> {
  const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  const result: Delivery = { rejected: null };
  const message = {
    from: envelope.from,
    to: envelope.to,
    headers: headersOf(typeof raw === "string" ? raw : new TextDecoder().decode(raw)),
    raw: new Response(bytes).body!,
    rawSize: bytes.byteLength,
    setReject(reason: string) {
      result.rejected = reason;
    },
    forward: () => Promise.reject(new Error("forward is not used by the support inbox")),
    reply: () => Promise.reject(new Error("reply is not used by the support inbox")),
  } satisfies ForwardableEmailMessage;
  const ctx = createExecutionContext();
  await worker.email(message, workerEnv as typeof env);
  await waitOnExecutionContext(ctx);
  return result;
}

export async function inboundAddress(account: Account): Promise<string> {
  const res = await api("/api/support/settings", { token: account.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.inboundAddress;
}

export async function emailTickets(account: Account) {
  const res = await api("/api/support/tickets?channel=email&sort=createdAt", { token: account.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as any[];
}

export async function ticketDetail(account: Account, id: string) {
  const res = await api(`/api/support/tickets/${id}`, { token: account.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

export async function r2Keys(prefix: string) {
  const listed = await env.FILES.list({ prefix });
  return listed.objects.map((o) => o.key);
}
