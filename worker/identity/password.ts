import { base64url } from "../platform/ids";

/**
 * PBKDF2-SHA256 at 100,000 iterations: the most WebCrypto in workerd accepts,
 * and about 10 ms of CPU, well inside a Worker's budget. The iteration count is
 * stored with each hash so it can be raised later without breaking old ones.
 */
const ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BITS = 256;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    KEY_BITS,
  );
  return new Uint8Array(bits);
}

function fromBase64url(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, ITERATIONS);
  return `pbkdf2-sha256$${ITERATIONS}$${base64url(salt)}$${base64url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, salt, expected] = stored.split("$");
  if (scheme !== "pbkdf2-sha256" || !iter || !salt || !expected) return false;
  const actual = await derive(password, fromBase64url(salt), Number(iter));
  const want = fromBase64url(expected);
  if (actual.length !== want.length) return false;
  return crypto.subtle.timingSafeEqual(actual, want);
}

/** A hash of nothing anyone knows, compared against when the email is unknown, so timing does not reveal accounts. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(crypto.randomUUID());
  return decoy;
}

const COMMON = new Set([
  "password", "password1", "password123", "1234567890", "qwertyuiop", "letmein123",
  "welcome123", "iloveyou12", "admin12345", "abcdefghij", "neuracrm123",
]);

/** Returns why a password is too weak, or null. Length matters most (NIST 800-63B). */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < 10) return "Use at least 10 characters";
  if (password.length > 256) return "Use at most 256 characters";
  if (COMMON.has(password.toLowerCase())) return "This password is too common";
  if (new Set(password).size < 5) return "Use more varied characters";
  const local = email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && password.toLowerCase().includes(local)) {
    return "Do not include your email address";
  }
  return null;
}
