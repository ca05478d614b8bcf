import type { Env } from "../../platform/env";
import { decryptJson, encryptJson, toBase64 } from "../../platform/crypto";
import type { WebhookEndpoint } from "../../../schema";

/**
 * Signing secrets of outbound webhooks: `whsec_` and the base64 of 24 random
 * bytes, the form the `standardwebhooks` package reads. Stored sealed (AES-GCM
 * bound to the endpoint's id, so a sealed secret copied onto another row does
 * not open there) as `iv.ciphertext`; answered only when created or rotated.
 */

const sealContext = (endpointId: string) => `webhook_endpoint:${endpointId}`;

export const newWebhookSecret = () => `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(24)))}`;

export async function sealWebhookSecret(env: Pick<Env, "ENCRYPTION_KEY">, endpointId: string, secret: string): Promise<string> {
  const sealed = await encryptJson(env.ENCRYPTION_KEY, { secret }, sealContext(endpointId));
  return `${sealed.iv}.${sealed.ciphertext}`;
}

export async function openWebhookSecret(env: Pick<Env, "ENCRYPTION_KEY">, endpoint: Pick<WebhookEndpoint, "id" | "secretSealed">): Promise<string> {
  const [iv = "", ciphertext = ""] = endpoint.secretSealed.split(".");
  return (await decryptJson<{ secret: string }>(env.ENCRYPTION_KEY, { iv, ciphertext }, sealContext(endpoint.id))).secret;
}
