import type { Env } from "../../platform/env";
import { timingSafeEqual } from "../../platform/crypto";
import { unauthorized } from "../../platform/errors";
import { providerSecrets, type ProviderRow } from "../providers/providers";

/**
 * How a PBX authenticates the events it pushes to NeuraCRM, and the only way:
 *
 *   X-NeuraCRM-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(webhookSecret, "<t>.<raw body>")>
 *
 * (the provider's webhook secret as the key, compared in constant time; t
 * within 5 minutes of our clock, so a captured request cannot be replayed
 * later). A bare shared key in a header is not accepted: one captured request
 * would authenticate forever, with any body and any time. Replays inside the
 * window are harmless: events are idempotent.
 */

export const SIGNATURE_HEADER = "x-neuracrm-signature";
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const toHex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
}

/** The header value a PBX sends for `body` at `t` (unix seconds). */
export async function signPbxBody(secret: string, body: string, t = Math.floor(Date.now() / 1000)): Promise<string> {
  return `t=${t},v1=${await hmacSha256Hex(secret, `${t}.${body}`)}`;
}

function parseSignature(header: string): { t: number; v1: string[] } | null {
  let t = NaN;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t") t = Number(v);
    else if (k === "v1" && v) v1.push(v.toLowerCase());
  }
  return Number.isInteger(t) && v1.length ? { t, v1 } : null;
}

/** Throws 401 unless the request carries a valid, current signature for `provider`. */
export async function verifyPbxRequest(env: Pick<Env, "ENCRYPTION_KEY">, provider: ProviderRow, headers: Headers, rawBody: string, now = Date.now()) {
  const signature = headers.get(SIGNATURE_HEADER);
  if (!signature) throw unauthorized(`Sign the request: ${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256(webhook secret, "<t>.<body>")>`);
  const parsed = parseSignature(signature);
  if (!parsed) throw unauthorized(`Malformed ${SIGNATURE_HEADER}: expected t=<unix seconds>,v1=<hex>`);
  if (Math.abs(now / 1000 - parsed.t) > SIGNATURE_TOLERANCE_SECONDS) {
    throw unauthorized(`Signature timestamp is outside the ${SIGNATURE_TOLERANCE_SECONDS / 60}-minute tolerance; check the PBX clock`);
  }
  const { webhookSecret } = await providerSecrets(env, provider);
  const expected = await hmacSha256Hex(webhookSecret, `${parsed.t}.${rawBody}`);
  if (!parsed.v1.some((v) => timingSafeEqual(v, expected))) throw unauthorized("Invalid signature");
}
