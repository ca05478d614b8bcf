import type { Context } from "hono";

/**
 * The caller's address, for per-IP limits. Cloudflare's edge sets
 * `cf-connecting-ip` on every request and replaces any value a client sends;
 * it is missing only off Cloudflare (workerd tests, local tools), where those
 * callers share one "unknown" budget instead of escaping the limit.
 */
export function clientIp(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}
