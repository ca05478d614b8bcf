import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../platform/db";
import { forbidden } from "../platform/errors";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../platform/http";
import { allows } from "../platform/permissions";
import { requirePermission } from "../platform/auth-middleware";
import { announceAgentStatus, getAgentState, listAgentStates, setAgentStatus } from "./agent-status";
import { AGENT_STATUSES } from "../../schema";

const tags = ["Agents"];
const security = [{ bearerAuth: [] }];

const AgentStateSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.string(),
    status: z.enum(AGENT_STATUSES),
    source: z.enum(["agent", "manager", "system"]),
    changedAt: z.number().int().nullable(),
    idleSince: z.number().int().nullable(),
    lastAssignedAt: z.number().int().nullable(),
  })
  .openapi("AgentState");

const StatusBody = z.object({ status: z.enum(AGENT_STATUSES) }).strict();
const UserParam = z.object({
  userId: z.string().min(1).max(64).openapi({ param: { name: "userId", in: "path" } }),
});

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Availability of every member (available, busy, wrap_up, away, offline)",
    middleware: [requirePermission("members:read")] as const,
    request: { query: z.object({ status: z.enum(AGENT_STATUSES).optional() }) },
    responses: { 200: jsonResponse(envelope(z.array(AgentStateSchema)), "Agents"), ...standardErrors },
  }),
  me: createRoute({
    method: "get",
    path: "/me",
    tags,
    security,
    summary: "Your own availability",
    middleware: [requirePermission("members:read")] as const,
    responses: { 200: jsonResponse(envelope(AgentStateSchema), "You"), ...standardErrors },
  }),
  setStatus: createRoute({
    method: "put",
    path: "/{userId}/status",
    tags,
    security,
    summary: "Set availability: `me` (or your own id) for yourself; managers set anyone's",
    middleware: [requirePermission("agents:status")] as const,
    request: { params: UserParam, ...jsonBody(StatusBody) },
    responses: { 200: jsonResponse(envelope(AgentStateSchema), "New state"), ...standardErrors },
  }),
};

export const agentRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { orgId } = c.get("auth");
    return ok(c, await listAgentStates(orgDb(c.env, orgId), orgId, c.req.valid("query").status), { status: 200 });
  })
  .openapi(routes.me, async (c) => {
    const { orgId, userId } = c.get("auth");
    return ok(c, await getAgentState(orgDb(c.env, orgId), orgId, userId), { status: 200 });
  })
  .openapi(routes.setStatus, async (c) => {
    const auth = c.get("auth");
    const param = c.req.valid("param").userId;
    const target = param === "me" ? auth.userId : param;
    const self = target === auth.userId;
    if (!self && !allows(auth, "agents:manage")) throw forbidden("Only managers set another member's availability");
    const { state, changed } = await setAgentStatus(orgDb(c.env, auth.orgId), auth.orgId, target, {
      status: c.req.valid("json").status,
      source: self ? "agent" : "manager",
      actorId: auth.userId,
      requestId: c.get("requestId"),
    });
    if (changed) c.executionCtx.waitUntil(announceAgentStatus(c.env, auth.orgId, state));
    return ok(c, state, { status: 200 });
  });
