import { AppError } from "./errors";

/**
 * Secrets at rest (provider credentials): AES-256-GCM with the key from the
 * ENCRYPTION_KEY secret (base64 of 32 bytes) and a fresh 12-byte nonce per
 * write. The ciphertext carries GCM's tag, so tampering fails decryption.
 * `context` (e.g. "telephony_provider:<id>") is bound as additional data: a
 * ciphertext copied onto another row does not decrypt there.
 */

export interface Sealed {
  ciphertext: string;
  iv: string;
}

const keys = new Map<string, Promise<CryptoKey>>();

function importKey(secret: string | undefined): Promise<CryptoKey> {
  if (!secret) throw new AppError("not_configured", "ENCRYPTION_KEY is not set; credentials cannot be stored");
  let key = keys.get(secret);
  if (!key) {
    const raw = fromBase64(secret);
    if (raw.length !== 32) throw new AppError("not_configured", "ENCRYPTION_KEY must be the base64 of 32 bytes");
    key = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
    keys.set(secret, key);
  }
  return key;
}

export async function encryptJson(secret: string | undefined, value: unknown, context: string): Promise<Sealed> {
  const key = await importKey(secret);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new TextEncoder().encode(JSON.stringify(value));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(context) },
    key,
    data,
  );
  return { ciphertext: toBase64(new Uint8Array(sealed)), iv: toBase64(iv) };
}

export async function decryptJson<T>(secret: string | undefined, sealed: Sealed, context: string): Promise<T> {
  const key = await importKey(secret);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(sealed.iv), additionalData: new TextEncoder().encode(context) },
    key,
    fromBase64(sealed.ciphertext),
  );
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Equality of two secrets in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}
