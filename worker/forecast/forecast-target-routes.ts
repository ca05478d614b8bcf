import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../platform/db";
import { requirePermission } from "../platform/auth-middleware";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../platform/http";
import { scopeOf } from "./forecast";
import { PeriodKey } from "./forecast-routes";
import { listTargets, setTargets } from "./forecast-targets";

const tags = ["Forecast"];
const security = [{ bearerAuth: [] }];
const Id = z.string().min(1).max(64);
const Currency = z.string().regex(/^[A-Z]{3}$/, "Use an ISO 4217 code, e.g. USD");

const TargetSchema = z
  .object({
    ownerId: z.string(),
    period: z.string(),
    currency: z.string(),
    amount: z.number(),
    updatedBy: z.string().nullable(),
    updatedAt: z.number().int(),
  })
  .openapi("ForecastTarget");

const TargetInput = z
  .object({
    ownerId: Id,
    period: PeriodKey,
    currency: Currency,
    amount: z.number().finite().min(0).max(1e15).nullable().openapi({ description: "Null removes the target" }),
  })
  .strict();

const routes = {
  list: createRoute({
    method: "get", path: "/targets", tags, security, middleware: [requirePermission("records:read")] as const,
    summary: "Sales targets per owner, period and currency",
    description: "Agents restricted to their own records see their own targets only.",
    request: { query: z.object({ period: PeriodKey.optional(), ownerId: Id.optional() }) },
    responses: { 200: jsonResponse(envelope(z.array(TargetSchema)), "Targets"), ...standardErrors },
  }),
  set: createRoute({
    method: "put", path: "/targets", tags, security, middleware: [requirePermission("forecast:targets")] as const,
    summary: "Set or remove targets (owners, admins and managers)",
    description: "Each entry sets one owner's target for a month (2026-12) or quarter (2026-Q4) in one currency; `amount: null` removes it. All or nothing.",
    request: jsonBody(z.object({ targets: z.array(TargetInput).min(1).max(500) }).strict()),
    responses: { 200: jsonResponse(envelope(z.array(TargetSchema)), "The targets as stored (removed ones are absent)"), ...standardErrors },
  }),
};

export const forecastTargetRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const auth = c.get("auth");
    return ok(c, await listTargets(orgDb(c.env, auth.orgId), scopeOf(auth), c.req.valid("query")));
  })
  .openapi(routes.set, async (c) => {
    const auth = c.get("auth");
    return ok(c, await setTargets(orgDb(c.env, auth.orgId), auth, c.req.valid("json").targets, c.get("requestId")));
  });
