import { and, eq } from "drizzle-orm";
import Stripe from "stripe";
import type { Db } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { enforceRateLimits, hitRateLimit } from "../../platform/rate-limit";
import { stripeConnections } from "../../../schema";
import { connectionClient, requireConnection, type StripeConnectionRow } from "./stripe-connections";
import type { Env } from "../../platform/env";
import type { StripeEnv } from "./stripe-client";

/**
 * "Test connection": the current account, read with the saved key through
 * the SDK, and the outcome stored on the connection. Counted per connection:
 * each test is a request to Stripe on the organization's key.
 */

const TESTS_PER_WINDOW = 10;
const WINDOW_MS = 10 * 60_000;

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  accountId: string | null;
  testedAt: number;
}

function failureMessage(err: unknown): string {
  if (err instanceof AppError) return err.message;
  if (err instanceof Stripe.errors.StripeAuthenticationError) return `Stripe refused the key: ${err.message}`;
  if (err instanceof Stripe.errors.StripeConnectionError) return `Could not reach Stripe: ${err.message}`;
  if (err instanceof Stripe.errors.StripeError) return `Stripe error${err.code ? ` ${err.code}` : ""}: ${err.message}`;
  return `Stripe test failed: ${err instanceof Error ? err.message : String(err)}`;
}

/** Stripe quotes part of a refused key ("sk_test_*****0001"); nothing key-shaped is stored or answered. */
const masked = (message: string) => message.replace(/\b(sk|rk)_(live|test)_[A-Za-z0-9_*]+/g, (key) => `the key ending in ${key.slice(-4)}`);

export async function testConnection(env: Pick<Env, "ENCRYPTION_KEY"> & StripeEnv, db: Db, orgId: string, id: string): Promise<{ result: ConnectionTestResult; row: StripeConnectionRow }> {
  const row = await requireConnection(db, orgId, id);
  enforceRateLimits([await hitRateLimit(db, `stripe-test:${id}`, TESTS_PER_WINDOW, WINDOW_MS)], "connection tests");
  const testedAt = Date.now();
  let result: ConnectionTestResult;
  try {
    const account = await (await connectionClient(env, row)).accounts.retrieveCurrent();
    const name = account.business_profile?.name ?? account.email ?? account.id;
    result = { ok: true, message: `Connected to Stripe account ${name} (${account.id})`, accountId: account.id, testedAt };
  } catch (err) {
    result = { ok: false, message: masked(failureMessage(err)).slice(0, 300), accountId: null, testedAt };
  }
  const [updated] = await db
    .update(stripeConnections)
    .set({ lastTestStatus: result.ok ? "ok" : "error", lastTestMessage: result.message, lastTestedAt: testedAt, ...(result.ok ? { accountId: result.accountId } : {}) })
    .where(and(eq(stripeConnections.orgId, orgId), eq(stripeConnections.id, id)))
    .returning();
  return { result, row: updated ?? row };
}
