import ipaddr from "ipaddr.js";
import { AppError } from "./errors";

/**
 * The one way the Worker contacts a URL that a user, an organization or an
 * operator setting chose (PBX and Twilio APIs, the email API, webhooks to
 * come): https only, to public addresses only, redirects re-checked hop by
 * hop, a deadline and a cap on the answer's size.
 *
 * Only names and literal addresses can be judged here: a Worker cannot
 * resolve DNS before it connects. A public name that resolves to a private
 * address is covered by the platform instead: Cloudflare's edge cannot reach
 * RFC 1918 or other internal space, so such a request fails there.
 */

export interface OutboundEnv {
  /** "true" lets loopback through (local fakes under `npm start` and the tests); production never sets it. */
  OUTBOUND_ALLOW_LOOPBACK?: string;
}

export interface OutboundInit extends RequestInit {
  /** Deadline for the whole exchange, redirects and body included (for a WebSocket, until it is open). */
  timeoutMs?: number;
  /** The answer's body may be at most this many bytes; more fails while it streams in. */
  maxBytes?: number;
  maxRedirects?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;
const DEFAULT_MAX_REDIRECTS = 3;

/** Names that only mean something inside a network, never on public DNS. */
const PRIVATE_NAME_SUFFIXES = ["local", "internal", "localdomain", "home.arpa", "intranet", "lan", "corp"];
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

const loopbackAllowed = (env: OutboundEnv) => env.OUTBOUND_ALLOW_LOOPBACK === "true";

function literalAddress(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (host.startsWith("[") && host.endsWith("]")) return ipaddr.IPv6.isValid(host.slice(1, -1)) ? ipaddr.IPv6.parse(host.slice(1, -1)) : null;
  // The URL parser has already turned 2130706433, 0x7f.1 and 0177.0.0.1 into 127.0.0.1.
  return ipaddr.IPv4.isValidFourPartDecimal(host) ? ipaddr.IPv4.parse(host) : null;
}

/** Whether the URL's host is this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(url: URL): boolean {
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  return literalAddress(host)?.range() === "loopback";
}

function hostProblem(url: URL, env: OutboundEnv): string | null {
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (isLoopbackHost(url)) return loopbackAllowed(env) ? null : `${host} is this machine (loopback)`;
  const address = literalAddress(host);
  if (address) {
    // Everything but ordinary unicast: private, link-local (cloud metadata), CGNAT, unique-local, IPv4-mapped, multicast, reserved...
    const range = address.range();
    return range === "unicast" ? null : `${host} is not a public address (${range})`;
  }
  if (!host.includes(".")) return `${host} is not a public host name`;
  const suffix = PRIVATE_NAME_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`));
  return suffix ? `${host} is a private network name (.${suffix})` : null;
}

/** Why the Worker must not contact `raw`, or null when it may. */
export function outboundUrlProblem(env: OutboundEnv, raw: string | URL): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Not a valid URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "Only https URLs are allowed";
  if (url.username || url.password) return "Credentials in the URL (user:password@) are not allowed";
  const problem = hostProblem(url, env);
  if (problem) return problem;
  const loopbackHttp = url.protocol === "http:" && isLoopbackHost(url) && loopbackAllowed(env);
  return url.protocol === "https:" || loopbackHttp ? null : "Only https URLs are allowed";
}

/** `raw` as a URL the Worker may contact; `outbound_blocked` otherwise. */
export function assertOutboundUrl(env: OutboundEnv, raw: string | URL): URL {
  const problem = outboundUrlProblem(env, raw);
  if (problem) throw new AppError("outbound_blocked", `Refused to contact this address: ${problem}`, { reason: problem });
  return new URL(raw);
}

function tooLarge(url: URL, maxBytes: number) {
  return new AppError("provider_error", `The answer from ${url.host} exceeded ${maxBytes} bytes`, { maxBytes });
}

/** The response with its body cut off (as an error) once more than `maxBytes` have streamed in. */
function capBody(res: Response, url: URL, maxBytes: number): Response {
  if (!res.body || NULL_BODY_STATUSES.has(res.status)) return res;
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    void res.body.cancel();
    throw tooLarge(url, maxBytes);
  }
  let seen = 0;
  const capped = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(tooLarge(url, maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Response(capped, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/**
 * `fetch` for URLs someone other than the code chose. Redirects are followed
 * here, not by the runtime, so every hop is checked; credentials are not
 * carried to another origin, as browsers do. A WebSocket upgrade answers as
 * it came.
 */
export async function outboundFetch(env: OutboundEnv, target: string | URL, init: OutboundInit = {}): Promise<Response> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, maxBytes = DEFAULT_MAX_BYTES, maxRedirects = DEFAULT_MAX_REDIRECTS, ...request } = init;
  // A timer rather than AbortSignal.timeout: an open WebSocket must outlive the deadline, so it is cleared then.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException(`No complete answer within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
  const headers = new Headers(request.headers);
  let url = assertOutboundUrl(env, target);
  let method = (request.method ?? "GET").toUpperCase();
  let body = request.body;
  for (let hop = 0; ; hop++) {
    const res = await fetch(url, { ...request, method, headers, body, redirect: "manual", signal });
    if (res.status === 101) {
      clearTimeout(timer);
      return res;
    }
    const location = res.headers.get("location");
    if (!REDIRECT_STATUSES.has(res.status) || !location) return capBody(res, url, maxBytes);
    await res.body?.cancel();
    if (hop >= maxRedirects) throw new AppError("outbound_blocked", `Refused to follow more than ${maxRedirects} redirects from ${url.host}`);
    const next = assertOutboundUrl(env, new URL(location, url));
    if (next.origin !== url.origin) {
      headers.delete("authorization");
      headers.delete("cookie");
    }
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      headers.delete("content-type");
    }
    url = next;
  }
}

/**
 * An outside answer's body as a JSON object, only when the server labels it
 * JSON; null for anything else (HTML error pages, text), which callers
 * summarize by status instead of repeating.
 */
export async function outboundJson(res: Response): Promise<Record<string, unknown> | null> {
  if (!(res.headers.get("content-type") ?? "").includes("json")) {
    await res.body?.cancel();
    return null;
  }
  try {
    const parsed: unknown = await res.json();
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch (err) {
    if (err instanceof AppError) throw err;
    return null;
  }
}
