import { createRoute, z } from "@hono/zod-openapi";
import { clientIp } from "../platform/client-ip";
import { directoryDb } from "../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../platform/http";
import { requirePermission, requireSession } from "../platform/auth-middleware";
import { LIMITS, limitOrganizationCreation, rateLimitedResponse } from "../platform/abuse-limits";
import { OrganizationSchema, RoleSchema } from "./auth-result";
import {
  createInvitation,
  listPendingInvitations,
  publicInvitation,
  revokeInvitation,
} from "./invitations";
import {
  createOrganization,
  getOrganization,
  listOrganizationsOfUser,
  publicOrganization,
  updateOrganization,
} from "./organization-service";
import { disconnectRestricted } from "../platform/room-rpc";
import { ROLES } from "../../schema";

const tags = ["Organizations"];
const security = [{ bearerAuth: [] }];

const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: RoleSchema,
    expiresAt: z.number().int(),
    createdAt: z.number().int(),
  })
  .openapi("Invitation");

const SettingsPatch = z
  .object({
    defaultCountry: z.string().regex(/^[A-Z]{2}$/, "Use an ISO 3166-1 alpha-2 code, e.g. US"),
    recordVisibility: z.enum(["all", "own"]),
    timeZone: z.string().min(1).max(64),
  })
  .partial()
  .strict();

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Organizations you belong to, with your role in each",
    middleware: [requireSession] as const,
    responses: {
      200: jsonResponse(envelope(z.array(OrganizationSchema.extend({ role: RoleSchema }))), "Your organizations"),
      401: standardErrors[401],
    },
  }),
  create: createRoute({
    method: "post",
    path: "/",
    tags,
    security,
    summary: "Create another organization; you become its owner",
    description:
      `At most ${LIMITS.ORGANIZATIONS_PER_USER.limit} per hour per user and ` +
      `${LIMITS.ORGANIZATIONS_PER_IP.limit} per hour per IP.`,
    middleware: [requireSession] as const,
    request: jsonBody(z.object({ name: z.string().trim().min(1).max(120) })),
    responses: {
      201: jsonResponse(envelope(z.object({ organization: OrganizationSchema, role: RoleSchema })), "Created"),
      ...standardErrors,
      429: rateLimitedResponse,
    },
  }),
  current: createRoute({
    method: "get",
    path: "/current",
    tags,
    security,
    summary: "The organization of the access token",
    middleware: [requirePermission("organization:read")] as const,
    responses: { 200: jsonResponse(envelope(OrganizationSchema), "Organization"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch",
    path: "/current",
    tags,
    security,
    summary: "Rename the organization or change its settings",
    middleware: [requirePermission("organization:update")] as const,
    request: jsonBody(
      z.object({ name: z.string().trim().min(1).max(120).optional(), settings: SettingsPatch.optional() }).strict(),
    ),
    responses: { 200: jsonResponse(envelope(OrganizationSchema), "Updated"), ...standardErrors },
  }),
  invite: createRoute({
    method: "post",
    path: "/current/invitations",
    tags,
    security,
    summary: "Invite someone by email; answers the link that accepts the invitation",
    middleware: [requirePermission("members:invite")] as const,
    request: jsonBody(
      z.object({ email: z.string().trim().toLowerCase().email().max(254), role: z.enum(ROLES).default("agent") }),
    ),
    responses: {
      201: jsonResponse(envelope(z.object({ invitation: InvitationSchema, acceptUrl: z.string().url() })), "Invited"),
      ...standardErrors,
      409: jsonResponse(z.any(), "Already a member"),
    },
  }),
  invitations: createRoute({
    method: "get",
    path: "/current/invitations",
    tags,
    security,
    summary: "Pending invitations",
    middleware: [requirePermission("members:invite")] as const,
    responses: { 200: jsonResponse(envelope(z.array(InvitationSchema)), "Pending invitations"), ...standardErrors },
  }),
  revoke: createRoute({
    method: "delete",
    path: "/current/invitations/{id}",
    tags,
    security,
    summary: "Revoke a pending invitation",
    middleware: [requirePermission("members:invite")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Revoked"), ...standardErrors },
  }),
};

export const organizationRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    return ok(c, await listOrganizationsOfUser(directoryDb(c.env), c.get("auth").userId), { status: 200 });
  })
  .openapi(routes.create, async (c) => {
    const db = directoryDb(c.env);
    await limitOrganizationCreation(db, { userId: c.get("auth").userId, ip: clientIp(c) });
    const org = await createOrganization(
      db,
      c.get("auth").userId,
      c.req.valid("json").name,
      c.get("requestId"),
    );
    return ok(c, { organization: publicOrganization(org), role: "owner" as const }, { status: 201 });
  })
  .openapi(routes.current, async (c) => {
    const org = await getOrganization(directoryDb(c.env), c.get("auth").orgId);
    return ok(c, publicOrganization(org), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { orgId, userId } = c.get("auth");
    const db = directoryDb(c.env);
    const { organization: org, previous } = await updateOrganization(db, orgId, userId, c.req.valid("json"), c.get("requestId"));
    if (previous.settings.recordVisibility !== org.settings.recordVisibility) {
      // A socket's scope (whole board or own records only) is fixed when it opens, so members whose view changed
      // reconnect. Awaited, so a socket opened after this answer keeps its new scope.
      await disconnectRestricted(c.env, db, orgId, "visibility_changed");
    }
    return ok(c, publicOrganization(org), { status: 200 });
  })
  .openapi(routes.invite, async (c) => {
    const { orgId, userId, role } = c.get("auth");
    const { invitation, token } = await createInvitation(directoryDb(c.env), orgId, {
      userId,
      role,
      requestId: c.get("requestId"),
    }, c.req.valid("json"));
    const acceptUrl = `${new URL(c.req.url).origin}/invite/${token}`;
    return ok(c, { invitation: publicInvitation(invitation), acceptUrl }, { status: 201 });
  })
  .openapi(routes.invitations, async (c) => {
    const rows = await listPendingInvitations(directoryDb(c.env), c.get("auth").orgId);
    return ok(c, rows.map(publicInvitation), { status: 200 });
  })
  .openapi(routes.revoke, async (c) => {
    const { orgId, userId, role } = c.get("auth");
    await revokeInvitation(directoryDb(c.env), orgId, { userId, role, requestId: c.get("requestId") }, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Invitation revoked" });
  });
