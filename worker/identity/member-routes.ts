import { createRoute, z } from "@hono/zod-openapi";
import { directoryDb } from "../platform/db";
import { forbidden } from "../platform/errors";
import {
  createRouter,
  envelope,
  IdParam,
  jsonBody,
  jsonResponse,
  listEnvelope,
  metaOf,
  ok,
  paginationQuery,
  standardErrors,
} from "../platform/http";
import { allows, refusalMessage } from "../platform/permissions";
import { requireAuth, requirePermission } from "../platform/auth-middleware";
import { RoleSchema } from "./auth-result";
import { changeRole, getMember, listMembers, removeMember } from "./members";
import { directoryChanged, disconnectUser } from "../platform/room-rpc";
import { ROLES } from "../../schema";

const tags = ["Users"];
const security = [{ bearerAuth: [] }];

const MemberSchema = z
  .object({ id: z.string(), name: z.string(), email: z.string(), role: RoleSchema, joinedAt: z.number().int() })
  .openapi("Member");

const SORTS = ["name", "-name", "email", "-email", "joinedAt", "-joinedAt", "role", "-role"] as const;

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Members of the current organization",
    middleware: [requirePermission("members:read")] as const,
    request: {
      query: z.object({
        ...paginationQuery,
        sort: z.enum(SORTS).default("name"),
        role: z.enum(ROLES).optional(),
        q: z.string().trim().min(1).max(100).optional(),
      }),
    },
    responses: { 200: jsonResponse(listEnvelope(MemberSchema), "Members"), ...standardErrors },
  }),
  get: createRoute({
    method: "get",
    path: "/{id}",
    tags,
    security,
    summary: "One member",
    middleware: [requirePermission("members:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(MemberSchema), "Member"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    security,
    summary: "Change a member's role (owners only grant or revoke owner; the last owner stays)",
    middleware: [requirePermission("members:update")] as const,
    request: { params: IdParam, ...jsonBody(z.object({ role: z.enum(ROLES) }).strict()) },
    responses: {
      200: jsonResponse(envelope(MemberSchema), "Updated"),
      ...standardErrors,
      409: jsonResponse(z.any(), "Would leave no owner"),
    },
  }),
  remove: createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    security,
    summary: "Remove a member (or leave, with your own id)",
    middleware: [requireAuth] as const,
    request: { params: IdParam },
    responses: {
      200: jsonResponse(envelope(z.null()), "Removed"),
      ...standardErrors,
      409: jsonResponse(z.any(), "Would leave no owner"),
    },
  }),
};

export const userRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { rows, total } = await listMembers(directoryDb(c.env), c.get("auth").orgId, {
      page: q.page,
      perPage: q.per_page,
      sort: q.sort,
      role: q.role,
      q: q.q,
    });
    return ok(c, rows, { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.get, async (c) => {
    return ok(c, await getMember(directoryDb(c.env), c.get("auth").orgId, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { orgId, userId, role } = c.get("auth");
    const targetId = c.req.valid("param").id;
    const member = await changeRole(
      directoryDb(c.env),
      orgId,
      { userId, role, requestId: c.get("requestId") },
      targetId,
      c.req.valid("json").role,
    );
    // Open sockets carry the old role; make them reconnect with the new one.
    c.executionCtx.waitUntil(
      Promise.all([directoryChanged(c.env, orgId), disconnectUser(c.env, orgId, targetId, "role_changed")]),
    );
    return ok(c, member, { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { orgId, userId, role } = c.get("auth");
    const targetId = c.req.valid("param").id;
    const auth = c.get("auth");
    // Leaving is the person's own decision, not a script's.
    if (targetId === userId && auth.apiKey) throw forbidden("API keys cannot make their member leave; sign in as a person");
    if (targetId !== userId && !allows(auth, "members:remove")) throw forbidden(refusalMessage(auth, "members:remove"));
    await removeMember(directoryDb(c.env), orgId, { userId, role, requestId: c.get("requestId") }, targetId);
    c.executionCtx.waitUntil(
      Promise.all([directoryChanged(c.env, orgId), disconnectUser(c.env, orgId, targetId, "membership_removed")]),
    );
    return ok(c, null, { status: 200, message: "Member removed" });
  });
