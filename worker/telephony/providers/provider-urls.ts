import { AppError, invalid } from "../../platform/errors";
import { isLoopbackHost, outboundUrlProblem, type OutboundEnv } from "../../platform/outbound-fetch";
import type { ProviderType } from "../../../schema";
import { SECRET_FIELDS } from "./provider-config";

/**
 * Where a provider's URLs may point. The URLs NeuraCRM calls with the
 * provider's credentials pass the outbound-fetch guard, and Twilio's stays on
 * Twilio's own domain, so a saved auth token can only ever go to Twilio. A URL
 * can only be changed together with the secrets: whoever redirects the
 * credentials must already know them.
 */

export const TWILIO_API_BASE = "https://api.twilio.com";

/** Every config field that holds a URL, per provider type. */
const URL_FIELDS: Record<ProviderType, readonly string[]> = {
  twilio: ["apiBaseUrl", "holdMusicUrl"],
  asterisk: ["baseUrl"],
  freepbx: ["baseUrl"],
  "3cx": ["pbxUrl"],
};

const TWILIO_DOMAIN_MESSAGE = "Twilio's own API only: https://api.twilio.com or a regional edge on twilio.com (e.g. https://api.dublin.ie1.twilio.com)";

/** Why a Twilio REST base is refused, or null: the outbound rules, then twilio.com or one of its subdomains. */
export function twilioBaseProblem(env: OutboundEnv, base: string): string | null {
  const problem = outboundUrlProblem(env, base);
  if (problem) return problem;
  const url = new URL(base);
  if (isLoopbackHost(url)) return null;
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  return host === "twilio.com" || host.endsWith(".twilio.com") ? null : TWILIO_DOMAIN_MESSAGE;
}

/** Why each URL NeuraCRM would call with the provider's credentials is refused; empty when all may be used. */
function urlProblems(env: OutboundEnv, type: ProviderType, config: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const check = (field: string, problemOf: (value: string) => string | null) => {
    const value = config[field];
    const problem = typeof value === "string" ? problemOf(value) : null;
    if (problem) out[`config.${field}`] = [problem];
  };
  if (type === "twilio") check("apiBaseUrl", (v) => twilioBaseProblem(env, v));
  if (type === "asterisk" || type === "freepbx") check("baseUrl", (v) => outboundUrlProblem(env, v));
  return out;
}

/** 400 naming each field whose URL the Worker must not call. */
export function assertProviderUrls(env: OutboundEnv, type: ProviderType, config: Record<string, unknown>) {
  const problems = urlProblems(env, type, config);
  if (Object.keys(problems).length) throw invalid(problems, "A URL of this provider is not one NeuraCRM may call");
}

/**
 * 400 unless every secret is in `patch` when a URL field gets a new value
 * (removing one falls back to a default we chose, so it needs none).
 */
export function assertSecretsResent(type: ProviderType, saved: Record<string, unknown>, next: Record<string, unknown>, patch: Record<string, unknown>) {
  const changed = URL_FIELDS[type].filter((field) => next[field] !== undefined && next[field] !== saved[field]);
  if (changed.length === 0) return;
  const missing = SECRET_FIELDS[type].filter((field) => patch[field] === undefined || patch[field] === null);
  if (missing.length === 0) return;
  const why = `Required again: ${changed.join(", ")} changed, and a provider's credentials only go to a new address when they are sent with it`;
  throw invalid(Object.fromEntries(missing.map((field) => [`config.${field}`, [why]])), `Changing ${changed.join(", ")} needs the provider's secrets again (${missing.join(", ")})`);
}

/**
 * Twilio's REST base for a provider: its own override, then the
 * environment's, then api.twilio.com. Checked at every use, so a value saved
 * before these rules cannot be used either.
 */
export function twilioApiBase(env: OutboundEnv & { TWILIO_API_BASE?: string }, provider: { publicConfig: { apiBaseUrl?: string | null } }): string {
  const base = (provider.publicConfig.apiBaseUrl ?? env.TWILIO_API_BASE ?? TWILIO_API_BASE).replace(/\/+$/, "");
  const problem = twilioBaseProblem(env, base);
  if (problem) throw new AppError("outbound_blocked", `Refused to send Twilio credentials to ${base}: ${problem}`, { apiBaseUrl: [problem] });
  return base;
}
