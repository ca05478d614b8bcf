import { createRoute, z } from "@hono/zod-openapi";
import { requirePermission } from "../platform/auth-middleware";
import { orgDb } from "../platform/db";
import { createRouter, envelope, jsonResponse, ok, standardErrors } from "../platform/http";
import { InsightSchema, refreshOrgInsights } from "../insights";
import { dashboardFor } from "./dashboard";

const money = { currency: z.string(), weighted: z.number(), commit: z.number(), bestCase: z.number(), closedWon: z.number() };

const DashboardSchema = z
  .object({
    timeZone: z.string(),
    today: z.string().openapi({ example: "2026-12-04" }),
    period: z.string().openapi({ example: "2026-12" }),
    nextPeriod: z.string(),
    pipeline: z.array(z.object({ currency: z.string(), count: z.number().int(), value: z.number(), weighted: z.number() })),
    won: z.array(z.object({ currency: z.string(), count: z.number().int(), amount: z.number(), target: z.number().nullable(), attainment: z.number().nullable() })),
    winRate: z.object({ won: z.number().int(), lost: z.number().int(), rate: z.number().nullable(), windowDays: z.number().int() }),
    cycleTime: z.object({ averageDays: z.number().nullable(), deals: z.number().int(), windowDays: z.number().int() }),
    forecast: z.array(z.object({ period: z.string(), ...money })),
    tasks: z.object({
      dueToday: z.number().int(),
      overdue: z.number().int(),
      items: z.array(
        z.object({ id: z.string(), subject: z.string(), dueAt: z.number().int(), dealId: z.string().nullable(), contactId: z.string().nullable(), leadId: z.string().nullable(), overdue: z.boolean() }),
      ),
    }),
    tickets: z.object({
      breachingSoon: z.number().int(),
      items: z.array(z.object({ id: z.string(), number: z.number().int(), subject: z.string(), priority: z.string(), slaDueAt: z.number().int() })),
    }),
    calls: z.object({ today: z.number().int(), answered: z.number().int(), missed: z.number().int(), inbound: z.number().int(), outbound: z.number().int() }),
    insights: z.object({
      open: z.number().int(),
      items: z.array(InsightSchema),
    }),
  })
  .openapi("Dashboard");

const routes = {
  get: createRoute({
    method: "get",
    path: "/",
    tags: ["Dashboard"],
    security: [{ bearerAuth: [] }],
    summary: "The sales and service cockpit",
    description:
      "Pipeline and weighted value, won this month against target, win rate and average cycle time (deals closed in the last 90 days), " +
      "the forecast for this month and next, your tasks due today, tickets breaching their SLA within 4 hours, calls today and your newest insights. " +
      "Amounts are per currency; days follow the organization's time zone; every number respects row-level access.",
    middleware: [requirePermission("records:read")] as const,
    responses: { 200: jsonResponse(envelope(DashboardSchema), "The dashboard"), ...standardErrors },
  }),
};

export const dashboardRoutes = createRouter().openapi(routes.get, async (c) => {
  const auth = c.get("auth");
  const db = orgDb(c.env, auth.orgId);
  const now = Date.now();
  await refreshOrgInsights(c.env, db, auth.orgId, now);
  return ok(c, await dashboardFor(db, auth, now));
});
