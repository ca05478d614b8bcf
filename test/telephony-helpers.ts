import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import { applyCallEvent, type CallEvent } from "../worker/telephony/calls";
import { api, type Account } from "./helpers";
import { FAKE_TWILIO } from "./fakes/twilio-fixtures";
import "./fakes/ari-fixtures";

/** A complete Twilio provider config pointing at the local fake Twilio API. */
export function twilioConfig(account: { accountSid: string; authToken: string } = FAKE_TWILIO.active, extra: Record<string, unknown> = {}) {
  return {
    accountSid: account.accountSid,
    authToken: account.authToken,
    apiKeySid: `SK${"c3".repeat(16)}`,
    apiKeySecret: "api-key-secret-value-9876",
    twimlAppSid: `AP${"d4".repeat(16)}`,
    phoneNumbers: ["+14155550100"],
    apiBaseUrl: inject("twilioFakeUrl"),
    ...extra,
  };
}

export async function createProvider(owner: Account, body: Record<string, unknown> = { type: "twilio", name: "Twilio", config: twilioConfig() }) {
  const res = await api("/api/telephony/providers", { token: owner.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; webhookSecret: string; [k: string]: unknown };
}

export async function setStatus(account: Account, status: string) {
  const res = await api("/api/agents/me/status", { method: "PUT", token: account.token, body: { status } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

let seq = 0;
/** A provider call id unique to this test run (Twilio CallSid shape). */
export const callSid = () => `CA${Date.now().toString(16)}${(seq++).toString(16).padStart(4, "0")}${"0".repeat(16)}`.slice(0, 34);

/** Applies a sequence of events to one call, as an integration would. */
export async function applyAll(orgId: string, base: Omit<CallEvent, "status" | "at">, steps: [CallEvent["status"], number, Partial<CallEvent>?][]) {
  let last;
  for (const [status, at, extra] of steps) last = await applyCallEvent(env, orgId, { ...base, status, at, ...extra });
  return last!;
}
