import { and, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { outboundFetch, outboundJson } from "../../platform/outbound-fetch";
import { telephonyProviders } from "../../../schema";
import { ariErrorMessage } from "../ari/ari-client";
import { providerSecrets, requireProvider, type ProviderRow } from "./providers";
import { twilioApiBase } from "./provider-urls";

/**
 * "Test connection": one authenticated read against the provider's own API,
 * saving the outcome. The answer is summarized from the status and the
 * vendor's documented JSON fields only; whatever else a server sends back is
 * never repeated.
 */

const TIMEOUT_MS = 10_000;
/** An account or system resource is a few KB; anything near this is not the vendor's API. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface TestResult {
  ok: boolean;
  message: string;
  /** The provider's HTTP status, when it answered. */
  httpStatus?: number;
  /** The provider's own error code (Twilio's numeric code), when it gave one. */
  providerCode?: string | number;
  testedAt: number;
}

type TestEnv = Pick<Env, "ENCRYPTION_KEY" | "OUTBOUND_ALLOW_LOOPBACK"> & { TWILIO_API_BASE?: string };

const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;
const clip = (s: string, max = 200) => (s.length > max ? `${s.slice(0, max)}…` : s);

async function get(env: TestEnv, url: string, auth: string): Promise<Response | string> {
  try {
    return await outboundFetch(env, url, { headers: { authorization: auth, accept: "application/json" }, timeoutMs: TIMEOUT_MS, maxBytes: MAX_ANSWER_BYTES });
  } catch (err) {
    if (err instanceof AppError) throw err;
    return err instanceof Error ? err.message : String(err);
  }
}

async function testTwilio(env: TestEnv, provider: ProviderRow, secrets: Record<string, unknown>): Promise<Omit<TestResult, "testedAt">> {
  const sid = String(secrets.accountSid);
  const res = await get(env, `${twilioApiBase(env, provider)}/2010-04-01/Accounts/${encodeURIComponent(sid)}.json`, basic(sid, String(secrets.authToken)));
  if (typeof res === "string") return { ok: false, message: `Could not reach Twilio: ${res}` };
  const body = await outboundJson(res);
  if (!res.ok) {
    // Twilio's documented error body: {code, message, more_info, status}.
    const code = typeof body?.code === "number" ? body.code : undefined;
    const message = typeof body?.message === "string" ? body.message : undefined;
    return code !== undefined && message !== undefined
      ? { ok: false, message: `Twilio error ${code}: ${clip(message)}`, httpStatus: res.status, providerCode: code }
      : { ok: false, message: `Twilio answered HTTP ${res.status}`, httpStatus: res.status };
  }
  const name = typeof body?.friendly_name === "string" ? clip(body.friendly_name, 100) : sid;
  const status = typeof body?.status === "string" ? clip(body.status, 40) : "unknown";
  if (status !== "active") return { ok: false, message: `Twilio account "${name}" is ${status}`, httpStatus: res.status };
  return { ok: true, message: `Connected to Twilio account "${name}" (${status})`, httpStatus: res.status };
}

async function testAri(env: TestEnv, provider: ProviderRow, secrets: Record<string, unknown>): Promise<Omit<TestResult, "testedAt">> {
  const base = provider.publicConfig.baseUrl!;
  const res = await get(env, `${base}/ari/asterisk/info`, basic(String(secrets.username), String(secrets.password)));
  if (typeof res === "string") return { ok: false, message: `Could not reach Asterisk ARI at ${base}: ${res}` };
  if (!res.ok) return { ok: false, message: `Asterisk ARI error (${res.status}): ${await ariErrorMessage(res)}`, httpStatus: res.status };
  const system = (await outboundJson(res))?.system as { version?: unknown } | undefined;
  const version = typeof system?.version === "string" && /^[\w.+~-]{1,40}$/.test(system.version) ? ` ${system.version}` : "";
  return { ok: true, message: `Connected to Asterisk${version} (ARI)`, httpStatus: res.status };
}

export async function testProvider(env: TestEnv, db: Db, orgId: string, id: string): Promise<TestResult> {
  const provider = await requireProvider(db, orgId, id);
  if (provider.type === "3cx") {
    throw new AppError(
      "validation_error",
      "3CX connects to NeuraCRM, not the other way round: install the CRM template in 3CX and use its test there",
    );
  }
  const secrets = await providerSecrets(env, provider);
  const outcome = provider.type === "twilio" ? await testTwilio(env, provider, secrets) : await testAri(env, provider, secrets);
  const testedAt = Date.now();
  await db
    .update(telephonyProviders)
    .set({ lastTestStatus: outcome.ok ? "ok" : "error", lastTestMessage: outcome.message.slice(0, 500), lastTestedAt: testedAt })
    .where(and(eq(telephonyProviders.orgId, orgId), eq(telephonyProviders.id, id)));
  return { ...outcome, testedAt };
}
