import { createMiddleware } from "hono/factory";
import type { AppEnv, AuthContext, Env } from "./env";
import { directoryDb } from "./db";
import { forbidden, unauthorized } from "./errors";
import { can, type Permission } from "./permissions";
import { isPublicRoute } from "./public-routes";
import { verifyAccessToken } from "./tokens";
import { resolveSession } from "./sessions";

export function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}

/**
 * The caller behind an `Authorization: Bearer` header, or null without one.
 * Verifies the access token, then re-reads the session and membership so a
 * logout, a removal or a role change takes effect on the very next request.
 */
export async function liveSession(env: Env, authorization: string | undefined): Promise<AuthContext | null> {
  const token = bearerToken(authorization);
  if (!token) return null;
  const claims = await verifyAccessToken(env.JWT_SECRET, token);
  const live = await resolveSession(directoryDb(env), claims);
  if (!live) throw unauthorized("Session is no longer valid");
  return { ...claims, ...live };
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  // The global guard has usually authenticated this request already.
  if (c.get("auth")) return next();
  const auth = await liveSession(c.env, c.req.header("authorization"));
  if (!auth) throw unauthorized();
  c.set("auth", auth);
  await next();
});

/** Authentication plus one entry of the permission table. */
export const requirePermission = (permission: Permission) =>
  createMiddleware<AppEnv>(async (c, next) => {
    await requireAuth(c, async () => {
      if (!can(c.get("auth").role, permission)) {
        throw forbidden(`Your role (${c.get("auth").role}) does not allow ${permission}`);
      }
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
