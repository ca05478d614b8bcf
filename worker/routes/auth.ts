import { createRoute, z } from "@hono/zod-openapi";
import { directoryDb } from "../lib/db";
import { AppError } from "../lib/errors";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../lib/http";
import { permissionsOf } from "../lib/permissions";
import { requireAuth } from "../middleware/auth";
import { authenticate, defaultMembership, getUser, normalizeEmail, publicUser, register } from "../services/auth";
import {
  AuthResultSchema,
  OrganizationSchema,
  RoleSchema,
  UserSchema,
  authResult,
  signIn,
} from "../services/auth-result";
import { getOrganization, membershipRole, publicOrganization } from "../services/organizations";
import { hitRateLimit } from "../services/rate-limit";
import { disconnectUser } from "../services/room-events";
import { revokeSession, rotateRefreshToken } from "../services/sessions";

const LOGIN_LIMIT = 5;
const LOGIN_WINDOW_MS = 20_000;

const Email = z.string().trim().toLowerCase().email().max(254);
const AuthOk = jsonResponse(envelope(AuthResultSchema), "Signed in");
const tags = ["Auth"];

const registerRoute = createRoute({
  method: "post",
  path: "/register",
  tags,
  summary: "Create an account and its organization",
  request: jsonBody(
    z.object({
      name: z.string().trim().min(1).max(120),
      email: Email,
      password: z.string().min(1).max(256),
      organizationName: z.string().trim().min(1).max(120),
    }),
  ),
  responses: { 201: AuthOk, 400: standardErrors[400], 409: jsonResponse(z.any(), "Email already registered") },
});

const loginRoute = createRoute({
  method: "post",
  path: "/login",
  tags,
  summary: "Sign in with email and password (5 attempts per 20 s per IP and per email)",
  request: jsonBody(z.object({ email: Email, password: z.string().min(1).max(256) })),
  responses: { 200: AuthOk, 400: standardErrors[400], 401: standardErrors[401], 429: jsonResponse(z.any(), "Too many attempts") },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/refresh",
  tags,
  summary: "Rotate a refresh token; reusing a spent one revokes its whole family",
  request: jsonBody(z.object({ refreshToken: z.string().min(1).max(512) })),
  responses: { 200: AuthOk, 400: standardErrors[400], 401: standardErrors[401] },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/logout",
  tags,
  summary: "Revoke the current session",
  middleware: [requireAuth] as const,
  security: [{ bearerAuth: [] }],
  responses: { 200: jsonResponse(envelope(z.null()), "Signed out"), 401: standardErrors[401] },
});

const meRoute = createRoute({
  method: "get",
  path: "/me",
  tags,
  summary: "The signed-in user, organization and role",
  middleware: [requireAuth] as const,
  security: [{ bearerAuth: [] }],
  responses: {
    200: jsonResponse(
      envelope(z.object({ user: UserSchema, organization: OrganizationSchema, role: RoleSchema, permissions: z.array(z.string()) })),
      "Current identity",
    ),
    401: standardErrors[401],
  },
});

const switchRoute = createRoute({
  method: "post",
  path: "/switch",
  tags,
  summary: "Get tokens for another organization you belong to",
  middleware: [requireAuth] as const,
  security: [{ bearerAuth: [] }],
  request: jsonBody(z.object({ organizationId: z.string().min(1).max(64) })),
  responses: { 200: AuthOk, ...standardErrors },
});

export const authRoutes = createRouter()
  .openapi(registerRoute, async (c) => {
    const db = directoryDb(c.env);
    const input = c.req.valid("json");
    const { user, org } = await register(db, input, c.get("requestId"));
    return ok(c, await signIn(db, c.env.JWT_SECRET, user, org.id, "owner"), { status: 201 });
  })
  .openapi(loginRoute, async (c) => {
    const db = directoryDb(c.env);
    const { email, password } = c.req.valid("json");
    const ip = c.req.header("cf-connecting-ip") ?? "unknown";
    const [byIp, byEmail] = await Promise.all([
      hitRateLimit(db, `login:ip:${ip}`, LOGIN_LIMIT, LOGIN_WINDOW_MS),
      hitRateLimit(db, `login:email:${normalizeEmail(email)}`, LOGIN_LIMIT, LOGIN_WINDOW_MS),
    ]);
    if (!byIp.allowed || !byEmail.allowed) {
      const wait = Math.max(byIp.retryAfterSeconds, byEmail.retryAfterSeconds);
      throw new AppError("rate_limited", `Too many sign-in attempts; try again in ${wait} s`, undefined, {
        "Retry-After": String(wait),
      });
    }
    const user = await authenticate(db, email, password);
    const { orgId, role } = await defaultMembership(db, user.id);
    return ok(c, await signIn(db, c.env.JWT_SECRET, user, orgId, role), { status: 200 });
  })
  .openapi(refreshRoute, async (c) => {
    const db = directoryDb(c.env);
    const rotated = await rotateRefreshToken(db, c.env.JWT_SECRET, c.req.valid("json").refreshToken);
    const user = await getUser(db, rotated.userId);
    return ok(c, await authResult(db, user, rotated.orgId, rotated.role, rotated), { status: 200 });
  })
  .openapi(logoutRoute, async (c) => {
    const { orgId, userId, sessionId } = c.get("auth");
    await revokeSession(directoryDb(c.env), sessionId, "logout");
    c.executionCtx.waitUntil(disconnectUser(c.env, orgId, userId, "logout", sessionId));
    return ok(c, null, { status: 200, message: "Signed out" });
  })
  .openapi(meRoute, async (c) => {
    const db = directoryDb(c.env);
    const { userId, orgId, role } = c.get("auth");
    const [user, org] = await Promise.all([getUser(db, userId), getOrganization(db, orgId)]);
    return ok(
      c,
      { user: publicUser(user), organization: publicOrganization(org), role, permissions: permissionsOf(role) },
      { status: 200 },
    );
  })
  .openapi(switchRoute, async (c) => {
    const db = directoryDb(c.env);
    const { userId } = c.get("auth");
    const { organizationId } = c.req.valid("json");
    const role = await membershipRole(db, organizationId, userId);
    // Another organization's existence is not revealed to non-members.
    if (!role) throw new AppError("not_found", "Organization not found");
    const user = await getUser(db, userId);
    return ok(c, await signIn(db, c.env.JWT_SECRET, user, organizationId, role), { status: 200 });
  });
