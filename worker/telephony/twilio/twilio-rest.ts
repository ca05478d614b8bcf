import type { Env } from "../../platform/env";
import { AppError } from "../../platform/errors";
import { outboundFetch, type OutboundEnv } from "../../platform/outbound-fetch";
import { providerSecrets, type ProviderRow } from "../providers/providers";
import { twilioApiBase } from "../providers/provider-urls";

/**
 * The few Twilio REST calls we make, through the outbound-fetch guard (the
 * `twilio` package's REST client is ~5 MB): form-encoded requests, HTTP basic
 * auth with the account SID and auth token, JSON answers, errors as
 * `{code, message, more_info, status}`.
 */

type RestEnv = Pick<Env, "ENCRYPTION_KEY" | "OUTBOUND_ALLOW_LOOPBACK"> & { TWILIO_API_BASE?: string };
const TIMEOUT_MS = 15_000;
/** Resources are a few KB; recordings are the only large answers (an hour of MP3 is ~15 MB). */
const MAX_RESOURCE_BYTES = 1024 * 1024;
const MAX_MEDIA_BYTES = 64 * 1024 * 1024;

export interface TwilioAccount {
  base: string;
  accountSid: string;
  auth: string;
  outbound: OutboundEnv;
}

export async function twilioAccount(env: RestEnv, provider: ProviderRow): Promise<TwilioAccount> {
  const secrets = await providerSecrets(env, provider);
  const accountSid = String(secrets.accountSid);
  return {
    base: twilioApiBase(env, provider),
    accountSid,
    auth: `Basic ${btoa(`${accountSid}:${String(secrets.authToken)}`)}`,
    outbound: { OUTBOUND_ALLOW_LOOPBACK: env.OUTBOUND_ALLOW_LOOPBACK },
  };
}

/** A Twilio refusal or outage, answered as `conflict` (`not_found` for a 404) with Twilio's own code and message. */
async function twilioFailure(res: Response): Promise<AppError> {
  let body: { code?: number; message?: string } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not JSON: the status says enough.
  }
  const message = `Twilio error${body.code ? ` ${body.code}` : ""}: ${body.message ?? `HTTP ${res.status}`}`;
  return new AppError(res.status === 404 ? "not_found" : "conflict", message, { twilioCode: body.code ?? null, httpStatus: res.status });
}

async function send(account: TwilioAccount, method: string, path: string, form?: Record<string, string | string[] | undefined>, maxBytes = MAX_RESOURCE_BYTES) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form ?? {})) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) body.append(key, v);
  }
  let res: Response;
  try {
    res = await outboundFetch(account.outbound, `${account.base}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}${path}`, {
      method,
      headers: { authorization: account.auth, accept: "application/json", ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
      body: form ? body.toString() : undefined,
      timeoutMs: TIMEOUT_MS,
      maxBytes,
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError("conflict", `Could not reach Twilio: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok) throw await twilioFailure(res);
  return res;
}

export interface TwilioCallResource {
  sid: string;
  status: string;
  direction: string;
  from: string;
  to: string;
  parent_call_sid: string | null;
}

/** POST /Calls.json: Twilio dials `to` and, once answered, runs the TwiML at `url`. */
export async function createCall(
  account: TwilioAccount,
  input: { to: string; from: string; url: string; statusCallback: string; timeoutSeconds?: number },
): Promise<TwilioCallResource> {
  const res = await send(account, "POST", "/Calls.json", {
    To: input.to,
    From: input.from,
    Url: input.url,
    Method: "POST",
    StatusCallback: input.statusCallback,
    StatusCallbackMethod: "POST",
    StatusCallbackEvent: ["initiated", "ringing", "answered", "completed"],
    Timeout: input.timeoutSeconds ? String(input.timeoutSeconds) : undefined,
  });
  return (await res.json()) as TwilioCallResource;
}

/**
 * POST /Calls/{sid}.json with new TwiML: the live call leaves what it was
 * doing and runs it. `statusCallback` replaces the leg's callback URL (Twilio
 * then reports its `completed` there).
 */
export async function redirectCall(account: TwilioAccount, callSid: string, twiml: string, statusCallback?: string): Promise<TwilioCallResource> {
  const form = { Twiml: twiml, ...(statusCallback ? { StatusCallback: statusCallback, StatusCallbackMethod: "POST" } : {}) };
  const res = await send(account, "POST", `/Calls/${encodeURIComponent(callSid)}.json`, form);
  return (await res.json()) as TwilioCallResource;
}

/** Twilio's answer when a call to update has already ended ("Call is not in-progress"). */
export const CALL_NOT_IN_PROGRESS = 21220;

/**
 * POST /Calls/{sid}.json with `Url` (Method=POST): the live call leaves its
 * current TwiML (hold music included) and Twilio requests `url` at once.
 * False when the call is gone: ended (21220) or unknown (404).
 */
export async function redirectCallToUrl(account: TwilioAccount, callSid: string, url: string): Promise<boolean> {
  try {
    await send(account, "POST", `/Calls/${encodeURIComponent(callSid)}.json`, { Url: url, Method: "POST" });
    return true;
  } catch (err) {
    if (err instanceof AppError && (err.code === "not_found" || (err.details as { twilioCode?: number } | undefined)?.twilioCode === CALL_NOT_IN_PROGRESS)) return false;
    throw err;
  }
}

/**
 * POST /Calls/{sid}.json Status=completed: hangs the call up (a ringing one
 * too). False when Twilio says it had already ended.
 */
export async function completeCall(account: TwilioAccount, callSid: string): Promise<boolean> {
  try {
    await send(account, "POST", `/Calls/${encodeURIComponent(callSid)}.json`, { Status: "completed" });
    return true;
  } catch (err) {
    if (err instanceof AppError && (err.details as { twilioCode?: number } | undefined)?.twilioCode === CALL_NOT_IN_PROGRESS) return false;
    throw err;
  }
}

/** GET /Recordings/{sid}.mp3 (or .wav): the recording's media. */
export async function fetchRecordingMedia(account: TwilioAccount, recordingSid: string, ext: "mp3" | "wav"): Promise<Response> {
  return send(account, "GET", `/Recordings/${encodeURIComponent(recordingSid)}.${ext}`, undefined, MAX_MEDIA_BYTES);
}

/** DELETE /Recordings/{sid}.json (204); a recording already gone counts as deleted. */
export async function deleteRecording(account: TwilioAccount, recordingSid: string): Promise<void> {
  try {
    await send(account, "DELETE", `/Recordings/${encodeURIComponent(recordingSid)}.json`);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return;
    throw err;
  }
}
