import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { TICKET_PRIORITIES } from "../../../schema";
import { deleteSlaPolicy, getCalendar, listSlaPolicies, putSlaPolicy, saveCalendar } from "./sla";
import { SECURITY, supportScope } from "../tickets/ticket-schemas";

const tags = ["Support SLAs"];
const security = SECURITY;
const WEEK = 7 * 24 * 60;

const PolicySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    priority: z.enum(TICKET_PRIORITIES),
    firstResponseMinutes: z.number().int(),
    resolutionMinutes: z.number().int(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("SlaPolicy");

const PolicyBody = z
  .object({
    priority: z.enum(TICKET_PRIORITIES),
    name: z.string().trim().min(1).max(100).optional(),
    firstResponseMinutes: z.number().int().min(1).max(52 * WEEK).openapi({ description: "Business minutes" }),
    resolutionMinutes: z.number().int().min(1).max(52 * WEEK).openapi({ description: "Business minutes" }),
  })
  .strict()
  .openapi("SlaPolicyInput");

const CalendarSchema = z
  .object({
    timeZone: z.string().min(1).max(64).openapi({ example: "Europe/Berlin" }),
    workingDays: z.array(z.number().int().min(1).max(7)).min(1).max(7).openapi({ description: "ISO weekdays, 1 = Monday" }),
    startMinute: z.number().int().min(0).max(1439).openapi({ description: "Minutes after local midnight", example: 540 }),
    endMinute: z.number().int().min(1).max(1440).openapi({ example: 1020 }),
    holidays: z.array(z.iso.date()).max(366).default([]),
  })
  .strict()
  .openapi("BusinessCalendar");

const routes = {
  listPolicies: createRoute({
    method: "get",
    path: "/sla-policies",
    tags,
    security,
    summary: "SLA policies, one per priority (targets in business minutes)",
    middleware: [requirePermission("tickets:read")] as const,
    responses: { 200: jsonResponse(envelope(z.array(PolicySchema)), "Policies"), ...standardErrors },
  }),
  putPolicy: createRoute({
    method: "put",
    path: "/sla-policies",
    tags,
    security,
    summary: "Create or replace the policy of a priority (managers); applies to tickets opened or re-prioritized afterwards",
    middleware: [requirePermission("support:manage")] as const,
    request: jsonBody(PolicyBody),
    responses: { 200: jsonResponse(envelope(PolicySchema), "Saved"), ...standardErrors },
  }),
  deletePolicy: createRoute({
    method: "delete",
    path: "/sla-policies/{id}",
    tags,
    security,
    summary: "Delete a policy (managers)",
    middleware: [requirePermission("support:manage")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
  getCalendar: createRoute({
    method: "get",
    path: "/calendar",
    tags,
    security,
    summary: "The business calendar SLAs count in (defaults: UTC, Monday–Friday 09:00–17:00)",
    middleware: [requirePermission("tickets:read")] as const,
    responses: { 200: jsonResponse(envelope(CalendarSchema), "Calendar"), ...standardErrors },
  }),
  putCalendar: createRoute({
    method: "put",
    path: "/calendar",
    tags,
    security,
    summary: "Set the business calendar (managers)",
    middleware: [requirePermission("support:manage")] as const,
    request: jsonBody(CalendarSchema),
    responses: { 200: jsonResponse(envelope(CalendarSchema), "Saved"), ...standardErrors },
  }),
};

export const supportSlaRoutes = createRouter()
  .openapi(routes.listPolicies, async (c) => {
    const { db, orgId } = supportScope(c);
    const rows = await listSlaPolicies(db, orgId);
    return ok(c, rows.map(({ orgId: _o, ...p }) => p));
  })
  .openapi(routes.putPolicy, async (c) => {
    const { db, orgId, actor } = supportScope(c);
    const { orgId: _o, ...policy } = await putSlaPolicy(db, orgId, actor, c.req.valid("json"));
    return ok(c, policy);
  })
  .openapi(routes.deletePolicy, async (c) => {
    const { db, orgId, actor } = supportScope(c);
    await deleteSlaPolicy(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { message: "SLA policy deleted" });
  })
  .openapi(routes.getCalendar, async (c) => {
    const { db, orgId } = supportScope(c);
    return ok(c, await getCalendar(db, orgId));
  })
  .openapi(routes.putCalendar, async (c) => {
    const { db, orgId, actor } = supportScope(c);
    return ok(c, await saveCalendar(db, orgId, actor, c.req.valid("json")));
  });
