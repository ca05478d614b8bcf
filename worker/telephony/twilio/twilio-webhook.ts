import { and, asc, eq } from "drizzle-orm";
import { validateRequest } from "twilio/lib/webhooks/webhooks.js";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { AppError, notFound, setupMissing } from "../../platform/errors";
import { memberships, telephonyExtensions, telephonyProviders, type ProviderPublicConfig } from "../../../schema";
import { providerForWebhook, providerSecrets, type ProviderRow } from "../providers/providers";

/**
 * Who is calling our Twilio webhooks. A request is Twilio's only if its
 * `X-Twilio-Signature` is the HMAC-SHA1, keyed with the provider's auth
 * token, of the exact URL Twilio requested (scheme, host, path and query)
 * followed by the sorted POST parameters — checked with the `twilio`
 * package's own `validateRequest`. Nothing is read or written before that.
 */

export type TwilioParams = Record<string, string>;

/** The Twilio settings we route with, beside the ones every provider has. */
export type TwilioPublicConfig = ProviderPublicConfig & { recordCalls?: boolean; deleteRecordingsAtProvider?: boolean; holdMusicUrl?: string };

/** Twilio's own public hold music (the classical set its holdmusic twimlet plays). */
export const DEFAULT_HOLD_MUSIC = "https://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3";

/** What waiting and held callers hear: the provider's `holdMusicUrl`, else Twilio's classical hold music. */
export const holdMusicOf = (config: TwilioPublicConfig) => config.holdMusicUrl || DEFAULT_HOLD_MUSIC;

export interface TwilioRequest {
  provider: ProviderRow;
  config: TwilioPublicConfig;
  params: TwilioParams;
}

/** The form body as Twilio's signature sees it: one value per name (Twilio's callbacks never repeat a name). */
export function formParams(body: string): TwilioParams {
  const out: TwilioParams = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

export async function authenticateTwilio(env: Pick<Env, "ENCRYPTION_KEY">, db: Db, providerId: string, url: string, signature: string | undefined, body: string): Promise<TwilioRequest> {
  const provider = await providerForWebhook(db, providerId);
  if (!provider || provider.type !== "twilio") throw notFound("Provider");
  const params = formParams(body);
  const secrets = await providerSecrets(env, provider);
  if (!signature || !validateRequest(String(secrets.authToken), signature, url, params)) {
    throw new AppError("forbidden", "Invalid X-Twilio-Signature for this URL and parameters");
  }
  return { provider, config: provider.publicConfig as TwilioPublicConfig, params };
}

/** Twilio's callback time (RFC 2822 `Timestamp`), else now. */
export function eventTime(params: TwilioParams): number {
  const at = params.Timestamp ? Date.parse(params.Timestamp) : NaN;
  return Number.isFinite(at) && at > 0 ? at : Date.now();
}

// ---- client identities ----

const DERIVED = /^agent_([0-9a-f]{32})$/;

/** A stable Client identity for a member without a mapped one: letters, digits and `_` only. */
export const derivedIdentity = (userId: string) => `agent_${userId.replace(/-/g, "").toLowerCase()}`;

function userIdFromDerived(identity: string): string | null {
  const m = DERIVED.exec(identity);
  if (!m) return null;
  const h = m[1]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The member's Client identity at this provider: their mapped extension, else the derived one. */
export async function identityForUser(db: Db, orgId: string, providerId: string, userId: string): Promise<string> {
  const row = await db
    .select({ extension: telephonyExtensions.extension })
    .from(telephonyExtensions)
    .where(and(eq(telephonyExtensions.orgId, orgId), eq(telephonyExtensions.providerId, providerId), eq(telephonyExtensions.userId, userId)))
    .get();
  return row?.extension ?? derivedIdentity(userId);
}

/** The member behind a Client identity (`client:` prefix allowed), if they belong to the organization. */
export async function userForIdentity(db: Db, orgId: string, providerId: string, raw: string): Promise<string | null> {
  const identity = raw.replace(/^client:/i, "");
  const mapped = await db
    .select({ userId: telephonyExtensions.userId })
    .from(telephonyExtensions)
    .where(and(eq(telephonyExtensions.orgId, orgId), eq(telephonyExtensions.providerId, providerId), eq(telephonyExtensions.extension, identity)))
    .get();
  const userId = mapped?.userId ?? userIdFromDerived(identity);
  if (!userId) return null;
  const member = await db.select({ userId: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId))).get();
  return member ? userId : null;
}


/** The organization's Twilio provider: the one named, else the oldest enabled one. */
export async function twilioProviderOf(db: Db, orgId: string, providerId?: string): Promise<ProviderRow> {
  const rows = await db
    .select()
    .from(telephonyProviders)
    .where(and(eq(telephonyProviders.orgId, orgId), eq(telephonyProviders.type, "twilio"), eq(telephonyProviders.enabled, true)))
    .orderBy(asc(telephonyProviders.createdAt));
  const row = providerId ? rows.find((r) => r.id === providerId) : rows[0];
  if (!row) {
    if (providerId) throw notFound("Twilio provider");
    throw setupMissing("No Twilio provider is configured: add one under Telephony → Providers (account SID, auth token, API key, TwiML app)");
  }
  return row;
}
