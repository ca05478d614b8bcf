import { DOMParser, type Element } from "@xmldom/xmldom";
import { exports } from "cloudflare:workers";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks.js";
import { expect, inject } from "vitest";
import { FAKE_TWILIO, type FakeTwilioRequest } from "../../fakes/twilio-fixtures";
import { api, BASE, type Account } from "../../helpers";

/** A webhook URL exactly as our TwiML names it and Twilio requests (and signs) it. */
export function hookUrl(providerId: string, path: string, query?: Record<string, string>) {
  const qs = query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : "";
  return `${BASE}/api/telephony/twilio/${providerId}/${path}${qs}`;
}

export interface HookResult {
  status: number;
  text: string;
  contentType: string | null;
}

/**
 * POSTs form parameters to `url` as Twilio does, signed with twilio's own
 * getExpectedTwilioSignature over the exact URL and parameters (or with
 * `signature` given, or none when it is null).
 */
export async function postTwilio(url: string, params: Record<string, string>, opts: { authToken?: string; signature?: string | null } = {}): Promise<HookResult> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  const signature = opts.signature === undefined ? getExpectedTwilioSignature(opts.authToken ?? FAKE_TWILIO.active.authToken, url, params) : opts.signature;
  if (signature !== null) headers["x-twilio-signature"] = signature;
  const res = await exports.default.fetch(new Request(url, { method: "POST", headers, body: new URLSearchParams(params).toString() }));
  return { status: res.status, text: await res.text(), contentType: res.headers.get("content-type") };
}

/** Parses TwiML; fails the test unless it is a `<Response>` document. */
export function twiml(text: string) {
  const doc = new DOMParser().parseFromString(text, "text/xml");
  const root = doc.documentElement!;
  expect(root.tagName, text).toBe("Response");
  return root;
}

export const children = (el: Element) => Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1);
export const all = (el: Element, tag: string) => Array.from(el.getElementsByTagName(tag)) as Element[];
export const one = (el: Element, tag: string) => {
  const found = all(el, tag);
  expect(found, `<${tag}> in ${el.toString()}`).toHaveLength(1);
  return found[0]!;
};

/** The `<Client>` offers of a TwiML `<Dial>`: identity and Parameters. */
export function clientOffers(root: Element) {
  return all(root, "Client").map((client) => ({
    identity: one(client, "Identity").textContent,
    statusCallback: client.getAttribute("statusCallback"),
    params: Object.fromEntries(all(client, "Parameter").map((p) => [p.getAttribute("name"), p.getAttribute("value")])),
  }));
}

/** Twilio's callback `Timestamp` (RFC 2822, second precision). */
export const stamp = (ms: number) => new Date(ms).toUTCString().replace("GMT", "+0000");

let seq = 0;
/** A Twilio-shaped sid (prefix + 32 hex) unique to this run. */
export const twilioSid = (prefix: "CA" | "RE") => `${prefix}${Date.now().toString(16).padStart(12, "0")}${(seq++).toString(16).padStart(8, "0")}${Math.random().toString(16).slice(2, 14).padEnd(12, "0")}`.slice(0, 34);

export async function fakeTwilioRequests(): Promise<FakeTwilioRequest[]> {
  const res = await fetch(`${inject("twilioFakeUrl")}/__fake/requests`);
  return (await res.json()) as FakeTwilioRequest[];
}

export async function callsOf(account: Account, query = "") {
  const res = await api(`/api/telephony/calls${query}`, { token: account.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as any[];
}

export async function timelineOf(account: Account, callId: string) {
  const res = await api(`/api/telephony/calls/${callId}`, { token: account.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as any;
}
