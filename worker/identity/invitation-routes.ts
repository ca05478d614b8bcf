import { createRoute, z } from "@hono/zod-openapi";
import { clientIp } from "../platform/client-ip";
import { directoryDb } from "../platform/db";
import { AppError } from "../platform/errors";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../platform/http";
import { deliverRefreshToken, REFRESH_TRANSPORT_DOC, wantsRefreshCookie } from "./refresh-cookie";
import { liveSession } from "../platform/auth-middleware";
import { rateLimitedResponse } from "../platform/abuse-limits";
import { getUser } from "./auth";
import { AuthResultSchema, RoleSchema, signIn } from "./auth-result";
import { acceptInvitation, findOpenInvitation, MAX_FAILED_ATTEMPTS } from "./invitations";

const tags = ["Invitations"];
const TokenParam = z.object({
  token: z.string().min(16).max(128).openapi({ param: { name: "token", in: "path" } }),
});

const showRoute = createRoute({
  method: "get",
  path: "/{token}",
  tags,
  summary: "What an invitation link offers (no sign-in needed)",
  description:
    "`accountExists` is there only for a Bearer token of the invited account itself (and is then true): holding the " +
    "link does not tell anyone else whether the email has an account.",
  request: { params: TokenParam },
  responses: {
    200: jsonResponse(
      envelope(
        z.object({
          organization: z.object({ id: z.string(), name: z.string() }),
          email: z.string(),
          role: RoleSchema,
          invitedBy: z.object({ name: z.string() }),
          accountExists: z.boolean().optional(),
          expiresAt: z.number().int(),
        }),
      ),
      "Invitation",
    ),
    404: standardErrors[404],
  },
});

const acceptRoute = createRoute({
  method: "post",
  path: "/{token}/accept",
  tags,
  summary: "Accept: joins the organization, creating the account when the email has none",
  description:
    "The invited account proves itself with a Bearer token of a live session of its own, or with its `password` " +
    "(checked like a sign-in: same per-email and per-IP limits). With `name` and `password` an email without an " +
    "account gets one; a password without a name never creates one, and is answered like a wrong password when the " +
    `email has no account. After ${MAX_FAILED_ATTEMPTS} wrong passwords the link stops working (404). ${REFRESH_TRANSPORT_DOC}`,
  request: {
    params: TokenParam,
    ...jsonBody(
      z.object({ name: z.string().trim().min(1).max(120).optional(), password: z.string().min(1).max(256).optional() }),
    ),
  },
  responses: { 200: jsonResponse(envelope(AuthResultSchema), "Joined"), ...standardErrors, 429: rateLimitedResponse },
});

export const invitationRoutes = createRouter()
  .openapi(showRoute, async (c) => {
    const db = directoryDb(c.env);
    const { inv, orgName, inviterName } = await findOpenInvitation(db, c.req.valid("param").token);
    const viewer = await liveSession(c.env, c.req.header("authorization")).catch((err: unknown) => {
      // The link is public: a stale token just means an anonymous viewer.
      if (err instanceof AppError && err.code === "unauthorized") return null;
      throw err;
    });
    const isInvitee = viewer ? (await getUser(db, viewer.userId)).email === inv.email : false;
    return ok(
      c,
      {
        organization: { id: inv.orgId, name: orgName },
        email: inv.email,
        role: inv.role,
        invitedBy: { name: inviterName },
        ...(isInvitee ? { accountExists: true } : {}),
        expiresAt: inv.expiresAt,
      },
      { status: 200 },
    );
  })
  .openapi(acceptRoute, async (c) => {
    const db = directoryDb(c.env);
    const signedIn = await liveSession(c.env, c.req.header("authorization"));
    const body = c.req.valid("json");
    const { user, orgId, role } = await acceptInvitation(db, {
      token: c.req.valid("param").token,
      signedInUserId: signedIn?.userId,
      name: body.name,
      password: body.password,
      ip: clientIp(c),
      requestId: c.get("requestId"),
    });
    const result = await signIn(db, c.env.JWT_SECRET, user, orgId, role);
    return ok(c, deliverRefreshToken(c, result, wantsRefreshCookie(c)), { status: 200 });
  });
