import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/** A request id on every response (kept from the caller when sane), and one JSON log line per request. */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && /^[\w.-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", requestId);
  const started = Date.now();
  await next();
  c.header("X-Request-Id", requestId);
  const auth = c.get("auth");
  console.log(
    JSON.stringify({
      level: c.res.status >= 500 ? "error" : "info",
      msg: "request",
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Date.now() - started,
      userId: auth?.userId,
      orgId: auth?.orgId,
    }),
  );
});

const cspWith = (scriptHashes: string[]) =>
  [
    "default-src 'self'",
    ["script-src 'self'", ...scriptHashes.map((h) => `'${h}'`)].join(" "),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "media-src 'self' blob:",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

async function inlineScriptHashes(html: string): Promise<string[]> {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(m[1]));
    hashes.push(`sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`);
  }
  return hashes;
}

function baseHeaders(headers: Headers) {
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  headers.set("Permissions-Policy", "camera=(), geolocation=(), microphone=(self)");
}

/**
 * Security headers for any response. HTML gets a CSP that allows exactly the
 * inline scripts it contains (SvelteKit's bootstrap), by hash, and nothing else inline.
 */
export async function withSecurityHeaders(res: Response): Promise<Response> {
  const isHtml = (res.headers.get("content-type") ?? "").includes("text/html");
  if (!isHtml) {
    const out = new Response(res.body, res);
    baseHeaders(out.headers);
    return out;
  }
  const html = await res.text();
  const out = new Response(html, res);
  baseHeaders(out.headers);
  out.headers.set("Content-Security-Policy", cspWith(await inlineScriptHashes(html)));
  return out;
}

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res = await withSecurityHeaders(c.res);
});
