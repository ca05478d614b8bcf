import { createRoute, z } from "@hono/zod-openapi";
import { directoryDb } from "../lib/db";
import { verifyAccessToken } from "../lib/tokens";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../lib/http";
import { bearerToken } from "../middleware/auth";
import { findUserByEmail } from "../services/auth";
import { AuthResultSchema, RoleSchema, signIn } from "../services/auth-result";
import { acceptInvitation, findOpenInvitation } from "../services/invitations";

const tags = ["Invitations"];
const TokenParam = z.object({
  token: z.string().min(16).max(128).openapi({ param: { name: "token", in: "path" } }),
});

const showRoute = createRoute({
  method: "get",
  path: "/{token}",
  tags,
  summary: "What an invitation link offers (no sign-in needed)",
  request: { params: TokenParam },
  responses: {
    200: jsonResponse(
      envelope(
        z.object({
          organization: z.object({ id: z.string(), name: z.string() }),
          email: z.string(),
          role: RoleSchema,
          invitedBy: z.object({ name: z.string() }),
          accountExists: z.boolean(),
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
    "A new account needs `name` and `password`. An existing account proves itself with its `password`, or with a Bearer token of that user.",
  request: {
    params: TokenParam,
    ...jsonBody(
      z.object({ name: z.string().trim().min(1).max(120).optional(), password: z.string().min(1).max(256).optional() }),
    ),
  },
  responses: { 200: jsonResponse(envelope(AuthResultSchema), "Joined"), ...standardErrors },
});

export const invitationRoutes = createRouter()
  .openapi(showRoute, async (c) => {
    const db = directoryDb(c.env);
    const { inv, orgName, inviterName } = await findOpenInvitation(db, c.req.valid("param").token);
    return ok(
      c,
      {
        organization: { id: inv.orgId, name: orgName },
        email: inv.email,
        role: inv.role,
        invitedBy: { name: inviterName },
        accountExists: Boolean(await findUserByEmail(db, inv.email)),
        expiresAt: inv.expiresAt,
      },
      { status: 200 },
    );
  })
  .openapi(acceptRoute, async (c) => {
    const db = directoryDb(c.env);
    const bearer = bearerToken(c.req.header("authorization"));
    const signedIn = bearer ? await verifyAccessToken(c.env.JWT_SECRET, bearer) : undefined;
    const body = c.req.valid("json");
    const { user, orgId, role } = await acceptInvitation(db, {
      token: c.req.valid("param").token,
      signedInUserId: signedIn?.userId,
      name: body.name,
      password: body.password,
      requestId: c.get("requestId"),
    });
    return ok(c, await signIn(db, c.env.JWT_SECRET, user, orgId, role), { status: 200 });
  });
