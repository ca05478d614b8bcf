import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { AuthContext, Env } from "./env";
import { directoryDb, type Db } from "./db";
import { unauthorized } from "./errors";
import { sha256 } from "./ids";
import { enforceRateLimits, hitRateLimit, peekRateLimit } from "./rate-limit";
import { apiKeys, memberships, organizations } from "../../schema";

/**
 * `Authorization: Bearer nc_…`: an API key in place of an access token. The
 * lookup lives in platform (not identity) because every request's
 * authentication runs here; identity only creates, lists and revokes keys.
 */
export const API_KEY_PREFIX = "nc_";

export const isApiKeyToken = (token: string) => token.startsWith(API_KEY_PREFIX);

/** A script may run hard, but one key cannot take the organization's whole share of the Worker. */
export const API_KEY_RATE = { limit: 600, windowMs: 60_000 } as const;
/** Keys are 256-bit, so guessing is hopeless; the budget stops an address from hammering the lookup. */
export const API_KEY_FAILURES = { limit: 20, windowMs: 60_000 } as const;
/** `lastUsedAt` is for people telling used keys from forgotten ones; a write per request would be waste. */
const LAST_USED_RESOLUTION_MS = 60_000;

const failureKey = (ip: string) => `api-key-auth:ip:${ip}`;

/**
 * Who the key acts as, read live on every request: a revoked or expired key,
 * a personal key whose member left, or an organization key whose
 * organization is gone is refused, and a personal key always carries its
 * member's current role (a downgrade narrows the key at once).
 */
async function resolveApiKey(db: Db, token: string, now: number): Promise<AuthContext | null> {
  const row = await db
    .select({ key: apiKeys, memberRole: memberships.role, settings: organizations.settings })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.orgId))
    .leftJoin(memberships, and(eq(memberships.orgId, apiKeys.orgId), eq(memberships.userId, apiKeys.userId)))
    .where(eq(apiKeys.tokenHash, await sha256(token)))
    .get();
  if (!row) return null;
  const { key } = row;
  if (key.revokedAt !== null) throw unauthorized("This API key has been revoked");
  if (key.expiresAt !== null && key.expiresAt <= now) throw unauthorized("This API key has expired");
  const role = key.kind === "personal" ? row.memberRole : key.role;
  if (!role) throw unauthorized("This API key's member is no longer in the organization");
  return {
    userId: key.userId,
    orgId: key.orgId,
    role,
    sessionId: `api_key:${key.id}`,
    recordVisibility: row.settings.recordVisibility ?? "all",
    apiKey: { id: key.id, scopes: key.scopes },
  };
}

/**
 * Authenticates an `nc_` token: failed lookups count against the caller's
 * address (checked before looking up another), and each key has its own
 * request budget. Throws `unauthorized` or `rate_limited`.
 */
export async function authenticateApiKey(env: Pick<Env, "DB">, token: string, ip: string, now = Date.now()): Promise<AuthContext> {
  const db = directoryDb(env);
  const { limit, windowMs } = API_KEY_FAILURES;
  enforceRateLimits([await peekRateLimit(db, failureKey(ip), limit, windowMs, now)], "failed API key attempts");
  const auth = await resolveApiKey(db, token, now);
  if (!auth) {
    await hitRateLimit(db, failureKey(ip), limit, windowMs, now);
    throw unauthorized("Unknown API key");
  }
  const keyId = auth.apiKey!.id;
  enforceRateLimits([await hitRateLimit(db, `api-key:${keyId}`, API_KEY_RATE.limit, API_KEY_RATE.windowMs, now)], "requests with this API key");
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, now - LAST_USED_RESOLUTION_MS))));
  return auth;
}

/** The request id of an API-key request: audit rows written under it name the key. */
export const apiKeyRequestId = (keyId: string) => `api_key:${keyId}:${crypto.randomUUID()}`;
