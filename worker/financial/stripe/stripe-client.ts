import Stripe from "stripe";
import { AppError } from "../../platform/errors";
import { outboundFetch, outboundUrlProblem, type OutboundEnv } from "../../platform/outbound-fetch";
import type { StripePublicConfig } from "../../../schema";

/**
 * The official Stripe SDK as the Worker uses it: its fetch HTTP client over
 * the outbound-fetch guard (so a connection's API base can never point the
 * secret key at an internal address), SubtleCrypto for webhook signatures,
 * a short deadline and a couple of retries (Stripe's SDK sends an
 * idempotency key with each POST, so a retried create is not a second one).
 */

export const STRIPE_API_BASE = "https://api.stripe.com";
const TIMEOUT_MS = 10_000;
const MAX_NETWORK_RETRIES = 2;

export type StripeEnv = OutboundEnv & { STRIPE_API_BASE?: string };

/** Stripe's REST base for a connection: its own override, then the environment's, then api.stripe.com; checked at every use. */
export function stripeApiBase(env: StripeEnv, config: StripePublicConfig): URL {
  const base = (config.apiBaseUrl ?? env.STRIPE_API_BASE ?? STRIPE_API_BASE).replace(/\/+$/, "");
  const problem = outboundUrlProblem(env, base);
  if (problem) throw new AppError("outbound_blocked", `Refused to send Stripe credentials to ${base}: ${problem}`, { apiBaseUrl: [problem] });
  return new URL(base);
}

export function stripeClient(env: StripeEnv, secretKey: string, config: StripePublicConfig): Stripe {
  const base = stripeApiBase(env, config);
  const guardedFetch = (input: string | URL | Request, init?: RequestInit) => outboundFetch(env, input instanceof Request ? input.url : input, init);
  return new Stripe(secretKey, {
    httpClient: Stripe.createFetchHttpClient(guardedFetch as typeof fetch),
    host: base.hostname,
    port: base.port || (base.protocol === "http:" ? 80 : 443),
    protocol: base.protocol === "http:" ? "http" : "https",
    maxNetworkRetries: MAX_NETWORK_RETRIES,
    timeout: TIMEOUT_MS,
    telemetry: false,
  });
}

/** Verifies Stripe-Signature headers with Web Crypto (workerd has no Node crypto for the SDK's default). */
export const stripeCryptoProvider: InstanceType<typeof Stripe.CryptoProvider> = Stripe.createSubtleCryptoProvider();

/** Verifies and parses a webhook payload without a secret key (the signature check needs only the endpoint secret). */
export const stripeWebhooks: typeof Stripe.webhooks = Stripe.webhooks;

/** A Stripe error as our envelope: Stripe's own message, status 502 (`provider_error`), or 422 when the guard refused. */
export function stripeFailure(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof Stripe.errors.StripeError) {
    const connection = err instanceof Stripe.errors.StripeConnectionError;
    return new AppError("provider_error", connection ? `Stripe could not be reached: ${err.message}` : `Stripe refused: ${err.message}`, {
      stripeCode: err.code ?? null,
      stripeType: err.type,
      status: err.statusCode ?? null,
    });
  }
  return new AppError("provider_error", `Stripe request failed: ${err instanceof Error ? err.message : String(err)}`);
}
