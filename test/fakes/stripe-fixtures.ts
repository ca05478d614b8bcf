/**
 * The fake Stripe server's (stripe-fake.ts) test hooks, kept apart from the
 * server so workerd tests, browser tests and the bench can import them
 * without node:http. Each secret key is one fake Stripe account.
 */

export interface StripeFakeRequest {
  method: string;
  path: string;
  authorization: string;
  idempotencyKey: string | null;
  /** The form (POST) or query (GET) parsed from Stripe's bracket notation. */
  params: Record<string, any>;
}

export interface StripeFakePayment {
  session?: Record<string, any>;
  paymentIntent: Record<string, any>;
  charge: Record<string, any>;
  balanceTransaction: Record<string, any>;
}

let keys = 0;
/** A secret key of its own: one fake account per test. */
export const uniqueStripeKey = (label = "t") => `sk_test_${label}${Date.now().toString(36)}${(keys++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

async function post<T>(root: string, hook: string, body: unknown): Promise<T> {
  const res = await fetch(`${root}/__fake/${hook}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`stripe fake ${hook} failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The customer pays a Checkout Session: a payment intent, its charge and balance transaction (with Stripe's fee). */
export const fakePaySession = (root: string, key: string, sessionId: string) => post<Required<StripeFakePayment>>(root, "pay", { key, sessionId });

/** A card payment made outside any session (e.g. a payment link's, or one for an invoice we never issued). */
export const fakeCharge = (root: string, key: string, amount: number, currency: string, metadata: Record<string, string> = {}) =>
  post<StripeFakePayment>(root, "charge", { key, amount, currency, metadata });

export const fakeSeedBalanceTransactions = (root: string, key: string, balanceTransactions: Record<string, unknown>[]) => post(root, "seed", { key, balanceTransactions });

export async function fakeStripeRequests(root: string, key: string): Promise<StripeFakeRequest[]> {
  const res = await fetch(`${root}/__fake/requests?key=${encodeURIComponent(key)}`);
  return (await res.json()) as StripeFakeRequest[];
}
