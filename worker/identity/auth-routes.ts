import { createRoute, z } from "@hono/zod-openapi";
import { clientIp } from "../platform/client-ip";
import { directoryDb } from "../platform/db";
import { AppError, unauthorized } from "../platform/errors";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../platform/http";
import { allowedPermissions } from "../platform/permissions";
import {
  clearedRefreshCookie,
  deliverRefreshToken,
  REFRESH_TRANSPORT_DOC,
  refreshTokenFromCookie,
  wantsRefreshCookie,
  withClearedRefreshCookie,
} from "./refresh-cookie";
import { requireAuth, requireSession } from "../platform/auth-middleware";
import {
  LIMITS,
  limitCredentialAttempt,
  limitRefresh,
  limitRegistration,
  rateLimitedResponse,
} from "../platform/abuse-limits";
import { authenticate, defaultMembership, getUser, publicUser, register } from "./auth";
import {
  AuthResultSchema,
  OrganizationSchema,
  RoleSchema,
  UserSchema,
  authResult,
  signIn,
} from "./auth-result";
import { getOrganization, membershipRole, publicOrganization } from "./organization-service";
import { disconnectUser } from "../platform/room-rpc";
import { revokeSession, rotateRefreshToken } from "../platform/sessions";

const Email = z.string().trim().toLowerCase().email().max(254);
const AuthOk = jsonResponse(envelope(AuthResultSchema), "Signed in");
const tags = ["Auth"];

const registerRoute = createRoute({
  method: "post",
  path: "/register",
  tags,
  summary: "Create an account and its organization",
  description: `${LIMITS.REGISTRATIONS.limit} registrations per hour per IP. ${REFRESH_TRANSPORT_DOC}`,
  request: jsonBody(
    z.object({
      name: z.string().trim().min(1).max(120),
      email: Email,
      password: z.string().min(1).max(256),
      organizationName: z.string().trim().min(1).max(120),
    }),
  ),
  responses: {
    201: AuthOk,
    400: standardErrors[400],
    409: jsonResponse(z.any(), "Email already registered"),
    429: rateLimitedResponse,
  },
});

const loginRoute = createRoute({
  method: "post",
  path: "/login",
  tags,
  summary: `Sign in with email and password (${LIMITS.CREDENTIALS.limit} attempts per ${LIMITS.CREDENTIALS.windowMs / 1000} s per IP and per email)`,
  description: `Password checks here and in invitation acceptance share these limits. ${REFRESH_TRANSPORT_DOC}`,
  request: jsonBody(z.object({ email: Email, password: z.string().min(1).max(256) })),
  responses: { 200: AuthOk, 400: standardErrors[400], 401: standardErrors[401], 429: rateLimitedResponse },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/refresh",
  tags,
  summary: "Rotate a refresh token; reusing a spent one revokes its whole family",
  description:
    "The token comes from the body, or when the body has none from the refresh cookie; a token that came in the cookie " +
    `goes back in the cookie, and a refused one clears it. ${LIMITS.REFRESHES.limit} refreshes per minute per IP. ${REFRESH_TRANSPORT_DOC}`,
  request: {
    body: {
      content: { "application/json": { schema: z.object({ refreshToken: z.string().min(1).max(512).optional() }) } },
      required: false,
    },
  },
  responses: { 200: AuthOk, 400: standardErrors[400], 401: standardErrors[401], 429: rateLimitedResponse },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/logout",
  tags,
  summary: "Revoke the current session",
  description: "Also clears the browser's refresh cookie.",
  middleware: [requireSession] as const,
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
  description: REFRESH_TRANSPORT_DOC,
  middleware: [requireSession] as const,
  security: [{ bearerAuth: [] }],
  request: jsonBody(z.object({ organizationId: z.string().min(1).max(64) })),
  responses: { 200: AuthOk, ...standardErrors },
});

export const authRoutes = createRouter()
  .openapi(registerRoute, async (c) => {
    const db = directoryDb(c.env);
    const input = c.req.valid("json");
    await limitRegistration(db, clientIp(c));
    const { user, org } = await register(db, input, c.get("requestId"));
    const result = await signIn(db, c.env.JWT_SECRET, user, org.id, "owner");
    return ok(c, deliverRefreshToken(c, result, wantsRefreshCookie(c)), { status: 201 });
  })
  .openapi(loginRoute, async (c) => {
    const db = directoryDb(c.env);
    const { email, password } = c.req.valid("json");
    await limitCredentialAttempt(db, { ip: clientIp(c), email });
    const user = await authenticate(db, email, password);
    const { orgId, role } = await defaultMembership(db, user.id);
    const result = await signIn(db, c.env.JWT_SECRET, user, orgId, role);
    return ok(c, deliverRefreshToken(c, result, wantsRefreshCookie(c)), { status: 200 });
  })
  .openapi(refreshRoute, async (c) => {
    const db = directoryDb(c.env);
    await limitRefresh(db, clientIp(c));
    const fromBody = c.req.valid("json").refreshToken;
    const fromCookie = fromBody ? undefined : refreshTokenFromCookie(c);
    // A token that came in the cookie must go back in it, or the browser would keep presenting the spent one.
    const viaCookie = Boolean(fromCookie) || wantsRefreshCookie(c);
    try {
      const presented = fromBody ?? fromCookie;
      if (!presented) throw unauthorized("No refresh token: send it in the body, or the cookie set at sign-in");
      const rotated = await rotateRefreshToken(db, c.env.JWT_SECRET, presented);
      const user = await getUser(db, rotated.userId);
      const result = await authResult(db, user, rotated.orgId, rotated.role, rotated);
      return ok(c, deliverRefreshToken(c, result, viaCookie), { status: 200 });
    } catch (err) {
      if (viaCookie && err instanceof AppError && err.code === "unauthorized") throw withClearedRefreshCookie(err);
      throw err;
    }
  })
  .openapi(logoutRoute, async (c) => {
    const { orgId, userId, sessionId } = c.get("auth");
    await revokeSession(directoryDb(c.env), sessionId, "logout");
    c.header("Set-Cookie", clearedRefreshCookie());
    c.executionCtx.waitUntil(disconnectUser(c.env, orgId, userId, "logout", sessionId));
    return ok(c, null, { status: 200, message: "Signed out" });
  })
  .openapi(meRoute, async (c) => {
    const db = directoryDb(c.env);
    const auth = c.get("auth");
    const { userId, orgId, role } = auth;
    const [user, org] = await Promise.all([getUser(db, userId), getOrganization(db, orgId)]);
    return ok(
      c,
      { user: publicUser(user), organization: publicOrganization(org), role, permissions: allowedPermissions(auth) },
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
    const result = await signIn(db, c.env.JWT_SECRET, user, organizationId, role);
    return ok(c, deliverRefreshToken(c, result, wantsRefreshCookie(c)), { status: 200 });
  });
