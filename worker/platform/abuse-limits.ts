import type { Db } from "./db";
import { ErrorSchema, jsonResponse } from "./http";
import { enforceRateLimits, hitRateLimit, peekRateLimit } from "./rate-limit";
import { normalizeEmail } from "./email-address";

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/**
 * Every place a password is checked (sign-in, accepting an invitation as an
 * existing account) counts against the same keys, so guesses spread over
 * both paths still meet one budget per email and per address.
 */
const CREDENTIALS = { limit: 5, windowMs: 20 * SECOND };
/** Room for an office or a training room behind one NAT signing up together. */
const REGISTRATIONS = { limit: 20, windowMs: HOUR };
/** Generous: a whole office behind one address refreshes every 14 minutes per person. */
const REFRESHES = { limit: 120, windowMs: 60 * SECOND };
const ORGANIZATIONS_PER_USER = { limit: 5, windowMs: HOUR };
const ORGANIZATIONS_PER_IP = { limit: 20, windowMs: HOUR };
/**
 * Webhook secrets are 256-bit, so guessing is hopeless anyway; the budget
 * stops an address from hammering the checks. Only failures count, so a
 * vendor's real traffic never spends it.
 */
const WEBHOOK_AUTH_FAILURES = { limit: 30, windowMs: 60 * SECOND };

export const LIMITS = { CREDENTIALS, REGISTRATIONS, REFRESHES, ORGANIZATIONS_PER_USER, ORGANIZATIONS_PER_IP, WEBHOOK_AUTH_FAILURES } as const;

/** Throws `rate_limited` (429, Retry-After) before a password is checked too often. */
export async function limitCredentialAttempt(db: Db, who: { ip: string; email: string }): Promise<void> {
  const { limit, windowMs } = CREDENTIALS;
  enforceRateLimits(
    await Promise.all([
      hitRateLimit(db, `login:ip:${who.ip}`, limit, windowMs),
      hitRateLimit(db, `login:email:${normalizeEmail(who.email)}`, limit, windowMs),
    ]),
    "sign-in attempts",
  );
}

export async function limitRegistration(db: Db, ip: string): Promise<void> {
  const { limit, windowMs } = REGISTRATIONS;
  enforceRateLimits([await hitRateLimit(db, `register:ip:${ip}`, limit, windowMs)], "registrations");
}

export async function limitRefresh(db: Db, ip: string): Promise<void> {
  const { limit, windowMs } = REFRESHES;
  enforceRateLimits([await hitRateLimit(db, `refresh:ip:${ip}`, limit, windowMs)], "token refreshes");
}

export async function limitOrganizationCreation(db: Db, who: { ip: string; userId: string }): Promise<void> {
  enforceRateLimits(
    await Promise.all([
      hitRateLimit(db, `org-create:user:${who.userId}`, ORGANIZATIONS_PER_USER.limit, ORGANIZATIONS_PER_USER.windowMs),
      hitRateLimit(db, `org-create:ip:${who.ip}`, ORGANIZATIONS_PER_IP.limit, ORGANIZATIONS_PER_IP.windowMs),
    ]),
    "new organizations",
  );
}

const webhookAuthKey = (ip: string) => `webhook-auth:ip:${ip}`;

/** Throws `rate_limited` when an address has failed too many webhook signature or key checks, before checking another. */
export async function refuseExhaustedWebhookAuth(db: Db, ip: string): Promise<void> {
  const { limit, windowMs } = WEBHOOK_AUTH_FAILURES;
  enforceRateLimits([await peekRateLimit(db, webhookAuthKey(ip), limit, windowMs)], "failed webhook signatures");
}

export async function countWebhookAuthFailure(db: Db, ip: string): Promise<void> {
  const { limit, windowMs } = WEBHOOK_AUTH_FAILURES;
  await hitRateLimit(db, webhookAuthKey(ip), limit, windowMs);
}

/** The 429 of every limited route, for the OpenAPI document. */
export const rateLimitedResponse = jsonResponse(
  ErrorSchema,
  "Too many attempts (`rate_limited`); the `Retry-After` header says how many seconds to wait",
);
