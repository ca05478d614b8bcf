import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, jsonResponse, ok, standardErrors } from "../platform/http";
import { requirePermission } from "../platform/auth-middleware";
import { supportAnalytics } from "./support-analytics";
import { SECURITY, supportScope } from "./tickets/ticket-schemas";

const DAY = 86_400_000;

/** Epoch ms or an ISO date / date-time. */
const Instant = z.union([z.coerce.number().int().min(0), z.iso.datetime({ offset: true }), z.iso.date()]).transform((v) => (typeof v === "number" ? v : Date.parse(v)));

const Duration = z.object({ median: z.number().nullable(), p90: z.number().nullable() });
const Durations = z.object({ count: z.number().int(), businessMinutes: Duration, wallMinutes: Duration });
const Summary = z.object({
  created: z.number().int(),
  solved: z.number().int(),
  firstResponse: Durations,
  resolution: Durations,
  sla: z.object({ decided: z.number().int(), met: z.number().int(), percent: z.number().nullable() }),
});

const AnalyticsSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    timeZone: z.string(),
    totals: Summary,
    days: z.array(z.object({ date: z.string(), created: z.number().int(), solved: z.number().int(), backlog: z.number().int() })),
    perAgent: z.array(Summary.extend({ assigneeId: z.string().nullable(), name: z.string().nullable() })),
    perChannel: z.array(Summary.extend({ channel: z.string() })),
  })
  .openapi("SupportAnalytics");

const route = createRoute({
  method: "get",
  path: "/",
  tags: ["Support analytics"],
  security: SECURITY,
  summary: "Volume, backlog, first-response and resolution times, SLA compliance; per day, agent and channel",
  description:
    "Range [from, to] (epoch ms or ISO; default the last 30 days, at most 366). Days are local days of the business calendar. " +
    "Times are minutes, as median and p90, in both business minutes (the calendar's working time) and wall-clock minutes. " +
    "First response covers tickets created in the range, resolution tickets solved in it; SLA compliance is the share of " +
    "SLA-covered tickets created in the range and decided (solved or breached) that met every target.",
  middleware: [requirePermission("tickets:read")] as const,
  request: { query: z.object({ from: Instant.optional(), to: Instant.optional() }) },
  responses: { 200: jsonResponse(envelope(AnalyticsSchema), "Analytics"), ...standardErrors },
});

export const supportAnalyticsRoutes = createRouter().openapi(route, async (c) => {
  const { db, orgId, auth } = supportScope(c);
  const q = c.req.valid("query");
  const to = q.to ?? Date.now();
  const from = q.from ?? to - 30 * DAY;
  return ok(c, await supportAnalytics(db, orgId, auth, from, to));
});
