import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../platform/http";
import { requirePermission } from "../platform/auth-middleware";
import { ASSIGNMENT_RULES } from "../../schema";
import { deleteTeam, getTeam, listTeams, saveTeam } from "./support-teams";
import { SECURITY, supportScope } from "./tickets/ticket-schemas";

const tags = ["Support teams"];
const security = SECURITY;

const TeamSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    assignmentRule: z.enum(ASSIGNMENT_RULES),
    lastAssignedUserId: z.string().nullable(),
    leadUserId: z.string().nullable().openapi({ description: "Notified when a conversation of the team turns negative" }),
    memberIds: z.array(z.string()),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("SupportTeam");

const fields = {
  name: z.string().trim().min(1).max(100),
  assignmentRule: z.enum(ASSIGNMENT_RULES).openapi({ description: "manual, round_robin or least_loaded (among the team's available agents)" }),
  memberIds: z.array(z.string().min(1).max(64)).max(200).openapi({ description: "The whole member list" }),
  leadUserId: z.string().min(1).max(64).nullable().openapi({ description: "The team lead, told when a conversation turns negative; null: nobody" }),
};

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Support teams with members and assignment rule",
    middleware: [requirePermission("tickets:read")] as const,
    responses: { 200: jsonResponse(envelope(z.array(TeamSchema)), "Teams"), ...standardErrors },
  }),
  create: createRoute({
    method: "post",
    path: "/",
    tags,
    security,
    summary: "Create a team (managers)",
    middleware: [requirePermission("support:manage")] as const,
    request: jsonBody(z.object({ ...fields, assignmentRule: fields.assignmentRule.optional(), memberIds: fields.memberIds.optional(), leadUserId: fields.leadUserId.optional() }).strict()),
    responses: { 201: jsonResponse(envelope(TeamSchema), "Created"), 409: jsonResponse(z.any(), "Name taken"), ...standardErrors },
  }),
  get: createRoute({
    method: "get",
    path: "/{id}",
    tags,
    security,
    summary: "One team",
    middleware: [requirePermission("tickets:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(TeamSchema), "Team"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    security,
    summary: "Rename, change the rule or the lead, or replace the members (managers)",
    middleware: [requirePermission("support:manage")] as const,
    request: { params: IdParam, ...jsonBody(z.object(fields).partial().strict()) },
    responses: { 200: jsonResponse(envelope(TeamSchema), "Updated"), 409: jsonResponse(z.any(), "Name taken"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    security,
    summary: "Delete a team; its tickets stay, without a team (managers)",
    middleware: [requirePermission("support:manage")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
};

export const supportTeamRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, orgId } = supportScope(c);
    return ok(c, await listTeams(db, orgId));
  })
  .openapi(routes.create, async (c) => {
    const { db, orgId, actor } = supportScope(c);
    return ok(c, await saveTeam(db, orgId, actor, null, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId } = supportScope(c);
    return ok(c, await getTeam(db, orgId, c.req.valid("param").id));
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = supportScope(c);
    return ok(c, await saveTeam(db, orgId, actor, c.req.valid("param").id, c.req.valid("json")));
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = supportScope(c);
    await deleteTeam(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { message: "Team deleted" });
  });
