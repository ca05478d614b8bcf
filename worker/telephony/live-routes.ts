import { createRoute, z } from "@hono/zod-openapi";
import { invalid } from "../platform/errors";
import { createRouter, envelope, jsonResponse, ok, standardErrors } from "../platform/http";
import { requirePermission } from "../platform/auth-middleware";
import { ANALYTICS_GROUPS, callAnalytics } from "./call-analytics";
import { liveSnapshot } from "./call-queries";
import { orgTimeZone } from "../platform/local-time";
import { parseBound } from "./time-range";
import { CallSchema, DateBound, telephonyScope } from "./call-routes";

/** GET /api/telephony/live and /api/telephony/analytics. */

const tags = ["Telephony"];
const security = [{ bearerAuth: [] }];
const DAY = 86_400_000;
const MAX_RANGE_DAYS = 400;

const Metrics = {
  total: z.number().int(),
  answered: z.number().int(),
  missed: z.number().int(),
  inbound: z.number().int(),
  outbound: z.number().int(),
  answerRate: z.number(),
  avgWaitSeconds: z.number(),
  avgTalkSeconds: z.number(),
  avgHoldSeconds: z.number(),
  avgHandleSeconds: z.number().openapi({ description: "Talk + hold + wrap-up, per answered call" }),
  totalTalkSeconds: z.number().int(),
};

const AnalyticsSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    timeZone: z.string(),
    groupBy: z.enum(ANALYTICS_GROUPS).nullable(),
    totals: z.object(Metrics),
    groups: z.array(z.object({ key: z.string().nullable(), label: z.string(), hour: z.number().int().optional(), ...Metrics })),
  })
  .openapi("CallAnalytics");

const LiveSchema = z
  .object({
    at: z.number().int(),
    activeCalls: z.array(CallSchema),
    queues: z.array(z.object({ id: z.string(), name: z.string(), strategy: z.string(), waiting: z.number().int(), longestWaitSeconds: z.number().int() })),
    agents: z.array(z.object({ userId: z.string(), name: z.string(), status: z.string(), activeCallId: z.string().nullable() }).passthrough()),
  })
  .openapi("TelephonyLive");

const routes = {
  live: createRoute({
    method: "get", path: "/live", tags, security,
    middleware: [requirePermission("telephony:read")] as const,
    summary: "Live board snapshot: active calls, callers waiting per queue, agent states",
    description: "Then follow the organization room's call_started, call_updated, call_ended, queue_updated and agent_status_changed events.",
    responses: { 200: jsonResponse(envelope(LiveSchema), "Snapshot"), ...standardErrors },
  }),
  analytics: createRoute({
    method: "get", path: "/analytics", tags, security,
    middleware: [requirePermission("telephony:read")] as const,
    summary: "Volume, answered vs missed, average wait, talk and handle time; by agent, queue or hour of day",
    request: {
      query: z.object({
        from: DateBound,
        to: DateBound,
        groupBy: z.enum(ANALYTICS_GROUPS).optional(),
      }),
    },
    responses: { 200: jsonResponse(envelope(AnalyticsSchema), "Analytics"), ...standardErrors },
  }),
};

export const telephonyLiveRoutes = createRouter()
  .openapi(routes.live, async (c) => {
    const { db, orgId, actor } = telephonyScope(c);
    return ok(c, await liveSnapshot(db, orgId, actor), { status: 200 });
  })
  .openapi(routes.analytics, async (c) => {
    const q = c.req.valid("query");
    const { db, orgId, actor } = telephonyScope(c);
    const timeZone = await orgTimeZone(db, orgId);
    const to = parseBound(q.to, timeZone, "to", "to") ?? Date.now();
    const from = parseBound(q.from, timeZone, "from", "from") ?? to - 7 * DAY;
    if (from >= to) throw invalid({ from: ["from must be before to"] });
    if (to - from > MAX_RANGE_DAYS * DAY) throw invalid({ from: [`At most ${MAX_RANGE_DAYS} days at a time`] });
    return ok(c, await callAnalytics(db, orgId, actor, { from, to, groupBy: q.groupBy, timeZone }), { status: 200 });
  });
