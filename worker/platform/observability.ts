import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";

/** A request id on every response (kept from the caller when sane), and one JSON log line per request. */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const requestId = incoming && /^[\w.-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", requestId);
  const started = Date.now();
  await next();
  // Authentication may have re-issued it (API-key requests carry the key's id).
  c.header("X-Request-Id", c.get("requestId"));
  const auth = c.get("auth");
  console.log(
    JSON.stringify({
      level: c.res.status >= 500 ? "error" : "info",
      msg: "request",
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Date.now() - started,
      userId: auth?.userId,
      orgId: auth?.orgId,
    }),
  );
});

/**
 * The header CSP of every HTML page. Script and style rules come from the
 * page's own `<meta>` CSP (SvelteKit's hash mode), which stays correct when
 * the browser revalidates a cached page and gets a bodiless 304; a header
 * carrying hashes would not. Directives a meta tag cannot set live here.
 */
const HTML_CSP = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";

/**
 * Two years, as the HSTS preload list recommends. Sent only over HTTPS: browsers ignore
 * it on plain http anyway, and local dev on http://localhost must not look pinned.
 */
const HSTS = "max-age=63072000; includeSubDomains";

/** Headers every response carries; HTML also gets the frame and base rules of the CSP, HTTPS also HSTS. */
export function withSecurityHeaders(res: Response, requestUrl: string): Response {
  const out = new Response(res.body, res);
  if (new URL(requestUrl).protocol === "https:") out.headers.set("Strict-Transport-Security", HSTS);
  out.headers.set("X-Content-Type-Options", "nosniff");
  out.headers.set("X-Frame-Options", "DENY");
  out.headers.set("Referrer-Policy", "strict-origin-when-cross-origin");
  out.headers.set("Permissions-Policy", "camera=(), geolocation=(), microphone=(self)");
  const isHtml = (res.headers.get("content-type") ?? "").includes("text/html");
  if (isHtml && !out.headers.has("Content-Security-Policy")) out.headers.set("Content-Security-Policy", HTML_CSP);
  return out;
}

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res = withSecurityHeaders(c.res, c.req.url);
});
