import type { Env } from "../../platform/env";
import { directoryDb } from "../../platform/db";
import { notFound, unauthorized } from "../../platform/errors";
import { providerForWebhook, webhookSecretMatches, type ProviderRow } from "../providers/providers";

/**
 * 3CX calls NeuraCRM (contact lookup, call journaling) with the provider's
 * key: the webhook secret shown when the provider was created, entered in the
 * template's "API key" field and sent as the `X-NeuraCRM-Key` header (3CX CRM
 * templates send custom headers on every scenario). A `?key=` in the URL is
 * not accepted: URLs end up in request logs, proxies and 3CX's own logs.
 * Compared by hash in constant time.
 */
export const THREECX_KEY_HEADER = "x-neuracrm-key";

export async function authenticate3cx(env: Pick<Env, "DB">, providerId: string, key: string | undefined | null): Promise<ProviderRow> {
  const provider = await providerForWebhook(directoryDb(env), providerId);
  if (!provider || provider.type !== "3cx") throw notFound("3CX provider");
  if (!(await webhookSecretMatches(provider, key))) throw unauthorized("Missing or invalid 3CX key (X-NeuraCRM-Key)");
  return provider;
}
