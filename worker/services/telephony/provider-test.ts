import { and, eq } from "drizzle-orm";
import type { Env } from "../../env";
import type { Db } from "../../lib/db";
import { AppError } from "../../lib/errors";
import { telephonyProviders } from "../../../schema";
import { providerSecrets, requireProvider, type ProviderRow } from "./providers";

/**
 * "Test connection": one authenticated read against the provider's own API,
 * reporting its answer (or its own error message) and saving the outcome.
 */

export const TWILIO_API_BASE = "https://api.twilio.com";
const TIMEOUT_MS = 10_000;

export interface TestResult {
  ok: boolean;
  message: string;
  /** The provider's HTTP status, when it answered. */
  httpStatus?: number;
  /** The provider's own error code (Twilio's numeric code), when it gave one. */
  providerCode?: string | number;
  testedAt: number;
}

type TestEnv = Pick<Env, "ENCRYPTION_KEY"> & { TWILIO_API_BASE?: string };

const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;

/** Twilio's REST base: the provider's override, then the environment's, then api.twilio.com. */
export function twilioApiBase(env: { TWILIO_API_BASE?: string }, provider: ProviderRow): string {
  return (provider.publicConfig.apiBaseUrl ?? env.TWILIO_API_BASE ?? TWILIO_API_BASE).replace(/\/+$/, "");
}

async function readJson(res: Response): Promise<Record<string, unknown> | null> {
  const text = await res.text();
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === "object" ? parsed : null;
  } catch {
    return text ? { message: text.slice(0, 300) } : null;
  }
}

async function get(url: string, auth: string): Promise<Response | string> {
  try {
    return await fetch(url, { headers: { authorization: auth, accept: "application/json" }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

async function testTwilio(env: TestEnv, provider: ProviderRow, secrets: Record<string, unknown>): Promise<Omit<TestResult, "testedAt">> {
  const sid = String(secrets.accountSid);
  const res = await get(`${twilioApiBase(env, provider)}/2010-04-01/Accounts/${encodeURIComponent(sid)}.json`, basic(sid, String(secrets.authToken)));
  if (typeof res === "string") return { ok: false, message: `Could not reach Twilio: ${res}` };
  const body = await readJson(res);
  if (!res.ok) {
    // Twilio's error format: {code, message, more_info, status}.
    const code = body?.code as number | undefined;
    const message = typeof body?.message === "string" ? body.message : `HTTP ${res.status}`;
    return { ok: false, message: code ? `Twilio error ${code}: ${message}` : `Twilio: ${message}`, httpStatus: res.status, providerCode: code };
  }
  const name = typeof body?.friendly_name === "string" ? body.friendly_name : sid;
  const status = typeof body?.status === "string" ? body.status : "unknown";
  if (status !== "active") return { ok: false, message: `Twilio account "${name}" is ${status}`, httpStatus: res.status };
  return { ok: true, message: `Connected to Twilio account "${name}" (${status})`, httpStatus: res.status };
}

async function testAri(provider: ProviderRow, secrets: Record<string, unknown>): Promise<Omit<TestResult, "testedAt">> {
  const base = provider.publicConfig.baseUrl!;
  const res = await get(`${base}/ari/asterisk/info`, basic(String(secrets.username), String(secrets.password)));
  if (typeof res === "string") return { ok: false, message: `Could not reach Asterisk ARI at ${base}: ${res}` };
  const body = await readJson(res);
  if (!res.ok) {
    // ARI answers errors as {"message": "..."}; its HTTP server answers 401 as {"error": "..."}.
    const message = (body?.message ?? body?.error ?? `HTTP ${res.status}`) as string;
    return { ok: false, message: `Asterisk ARI error (${res.status}): ${message}`, httpStatus: res.status };
  }
  const system = body?.system as { version?: string; entity_id?: string } | undefined;
  const version = system?.version ? ` ${system.version}` : "";
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
  const outcome = provider.type === "twilio" ? await testTwilio(env, provider, secrets) : await testAri(provider, secrets);
  const testedAt = Date.now();
  await db
    .update(telephonyProviders)
    .set({ lastTestStatus: outcome.ok ? "ok" : "error", lastTestMessage: outcome.message.slice(0, 500), lastTestedAt: testedAt })
    .where(and(eq(telephonyProviders.orgId, orgId), eq(telephonyProviders.id, id)));
  return { ...outcome, testedAt };
}
