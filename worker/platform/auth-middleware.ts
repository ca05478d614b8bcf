import { createMiddleware } from "hono/factory";
import type { AppEnv, AuthContext, Env } from "./env";
import { directoryDb } from "./db";
import { forbidden, unauthorized } from "./errors";
import { allows, refusalMessage, type Permission } from "./permissions";
import { apiKeyRequestId, authenticateApiKey, isApiKeyToken } from "./api-key-auth";
import { isPublicRoute } from "./public-routes";
import { verifyAccessToken } from "./tokens";
import { clientIp } from "./client-ip";
import { resolveSession } from "./sessions";

export function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}

/**
 * The caller behind an `Authorization: Bearer` header, or null without one.
 * Verifies the access token, then re-reads the session and membership so a
 * logout, a removal or a role change takes effect on the very next request.
 * An `nc_` API key is accepted only when the caller passes `apiKeysFrom`
 * (the client address its failed lookups count against): the global guard
 * does, flows that act on the person themselves (accepting an invitation) do not.
 */
export async function liveSession(env: Env, authorization: string | undefined, apiKeysFrom?: { ip: string }): Promise<AuthContext | null> {
  const token = bearerToken(authorization);
  if (!token) return null;
  if (isApiKeyToken(token)) {
    if (!apiKeysFrom) throw unauthorized("API keys cannot be used here; sign in");
    return authenticateApiKey(env, token, apiKeysFrom.ip);
  }
  const claims = await verifyAccessToken(env.JWT_SECRET, token);
  const live = await resolveSession(directoryDb(env), claims);
  if (!live) throw unauthorized("Session is no longer valid");
  return { ...claims, ...live };
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  // The global guard has usually authenticated this request already.
  if (c.get("auth")) return next();
  const auth = await liveSession(c.env, c.req.header("authorization"), { ip: clientIp(c) });
  if (!auth) throw unauthorized();
  c.set("auth", auth);
  if (auth.apiKey) c.set("requestId", apiKeyRequestId(auth.apiKey.id));
  await next();
});

/**
 * Routes about the person's own sign-in (sessions, switching organization,
 * leaving, minting API keys): a key must not create sessions or keys, so a
 * leaked key cannot outlive its own revocation.
 */
export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  await requireAuth(c, async () => {
    if (c.get("auth").apiKey) throw forbidden("API keys cannot be used here; sign in as a person");
    await next();
  });
});

/** Authentication plus one entry of the permission table. */
export const requirePermission = (permission: Permission) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await requireAuth(c, async () => {
      const auth = c.get("auth");
      if (!allows(auth, permission)) throw forbidden(refusalMessage(auth, permission));
      await next();
    });
  });

/**
 * Deny by default: every `/api` route needs a live session unless it is on
 * the public list, so a route that forgets `requireAuth` is closed, not open.
 */
export const apiAuthGuard = createMiddleware<AppEnv>(async (c, next) => {
  if (isPublicRoute(c.req.method, c.req.path)) return next();
  return requireAuth(c, next);
});
