import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../platform/db";
import { requirePermission } from "../platform/auth-middleware";
import { createRouter, envelope, jsonResponse, ok, standardErrors } from "../platform/http";
import { requirePipeline } from "../crm";
import { ACCURACY_BASIS, accuracyFor } from "./forecast-accuracy";
import { COMMIT_THRESHOLD, MEASURES } from "./forecast-buckets";
import { armForecastClock } from "./forecast-clock-arm";
import { dealsBehind, forecastFor, MAX_PERIODS, scopeOf } from "./forecast";
import { INTERVALS, MONTH_KEY, QUARTER_KEY } from "./forecast-periods";
import { MIN_LEARNING_SAMPLE, stageProbabilities } from "./stage-probabilities";

const tags = ["Forecast"];
const security = [{ bearerAuth: [] }];

const Id = z.string().min(1).max(64);
const isRealDate = (s: string) => {
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
};
const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD")
  .refine(isRealDate, "Not a calendar date")
  .refine((s) => s >= "1970-01-01" && s <= "9999-12-31", "Out of range");
export const PeriodKey = z
  .string()
  .refine((s) => MONTH_KEY.test(s) || QUARTER_KEY.test(s), "Use a month (2026-12) or a quarter (2026-Q4)")
  .openapi({ example: "2026-12" });

const StageProbabilitySchema = z
  .object({
    stageId: z.string(),
    name: z.string(),
    configured: z.number().openapi({ description: "Percent, as set in the pipeline" }),
    learned: z.number().nullable().openapi({ description: "Percent won among closed deals that were open in this stage; null when none have closed" }),
    sample: z.number().int().openapi({ description: "Closed deals that were in the stage" }),
    won: z.number().int(),
    effective: z.number().openapi({ description: `What forecasts use: learned once the sample reaches ${MIN_LEARNING_SAMPLE}, else configured` }),
    source: z.enum(["learned", "configured"]),
  })
  .openapi("StageProbability");

const PeriodSchema = z.object({ key: z.string(), start: z.string(), end: z.string() }).openapi("ForecastPeriod");

const ForecastRowSchema = z
  .object({
    period: z.string(),
    ownerId: z.string().nullable(),
    unassigned: z.boolean(),
    currency: z.string(),
    weighted: z.number(),
    commit: z.number(),
    bestCase: z.number(),
    closedWon: z.number(),
    slipped: z.number(),
    slippedCount: z.number().int(),
    openCount: z.number().int(),
    target: z.number().nullable(),
    attainment: z.number().nullable().openapi({ description: "closedWon / target as a fraction; null without a positive target" }),
  })
  .openapi("ForecastRow");

const ForecastSchema = z
  .object({
    pipelineId: z.string(),
    interval: z.enum(INTERVALS),
    groupBy: z.enum(["owner", "none"]),
    timeZone: z.string(),
    today: z.string(),
    from: z.string(),
    to: z.string(),
    commitThreshold: z.number(),
    minSample: z.number().int(),
    periods: z.array(PeriodSchema),
    stages: z.array(StageProbabilitySchema),
    rows: z.array(ForecastRowSchema),
    owners: z.array(z.object({ id: z.string(), name: z.string() })),
    undated: z.array(z.object({ currency: z.string(), count: z.number().int(), amount: z.number() })),
  })
  .openapi("Forecast");

const DealBehindSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    ownerId: z.string().nullable(),
    currency: z.string(),
    amount: z.number(),
    stageId: z.string(),
    stageName: z.string().nullable(),
    probability: z.number().nullable(),
    status: z.enum(["open", "won", "lost"]),
    closeDate: z.string().nullable(),
    date: z.string().openapi({ description: "The deal's date in the forecast: its close date, or the local day it was won" }),
    value: z.number().openapi({ description: "What the deal adds to the number drilled into" }),
  })
  .openapi("ForecastDeal");

const AccuracySchema = z
  .object({
    pipelineId: z.string(),
    interval: z.enum(INTERVALS),
    from: z.string(),
    to: z.string(),
    basis: z.string(),
    points: z.array(
      z.object({
        period: z.string(),
        currency: z.string(),
        forecast: z.number().nullable(),
        snapshotWeek: z.string().nullable(),
        snapshotTakenAt: z.number().nullable(),
        actual: z.number(),
        error: z.number().nullable(),
      }),
    ),
    mape: z.array(z.object({ currency: z.string(), mape: z.number().nullable(), periods: z.number().int() })),
  })
  .openapi("ForecastAccuracy");

const Range = {
  pipelineId: Id,
  from: LocalDate.optional().openapi({ description: "First local date (YYYY-MM-DD); its whole period is included" }),
  to: LocalDate.optional().openapi({ description: "Last local date; its whole period is included" }),
  interval: z.enum(INTERVALS).default("month"),
};

const routes = {
  forecast: createRoute({
    method: "get", path: "/", tags, security, middleware: [requirePermission("records:read")] as const,
    summary: "Forecast per period (and owner) in the organization's time zone",
    description:
      "Per period, owner and currency (amounts are never converted): `weighted` = Σ amount × stage probability (learned once a stage has " +
      `${MIN_LEARNING_SAMPLE} closed deals, else configured); \`commit\` = open deals in stages at or above ${COMMIT_THRESHOLD}%; ` +
      "`bestCase` = all open deals; `closedWon`; `slipped` = open deals whose close date has passed; `target` and `attainment` " +
      "(closedWon / target). Open deals count in the period of their close date (undated ones are totalled in `undated`); won deals in " +
      "the period of their close date, or of the day they were won. Defaults: the current period and the two after it. " +
      `At most ${MAX_PERIODS} periods. Agents restricted to their own records are forecast on their own deals and targets.`,
    request: { query: z.object({ ...Range, groupBy: z.enum(["owner", "none"]).default("owner") }) },
    responses: { 200: jsonResponse(envelope(ForecastSchema), "The forecast"), ...standardErrors },
  }),
  deals: createRoute({
    method: "get", path: "/deals", tags, security, middleware: [requirePermission("records:read")] as const,
    summary: "The deals behind one number of the forecast",
    description: "Drill-down: the deals that make up `measure` for a period (and owner, and currency), largest contribution first. `ownerId=unassigned` lists deals with no owner.",
    request: {
      query: z.object({
        pipelineId: Id,
        period: PeriodKey,
        ownerId: Id.optional(),
        currency: z.string().regex(/^[A-Z]{3}$/, "Use an ISO 4217 code, e.g. USD").optional(),
        measure: z.enum(MEASURES),
      }),
    },
    responses: { 200: jsonResponse(envelope(z.array(DealBehindSchema)), "Deals"), ...standardErrors },
  }),
  stageProbabilities: createRoute({
    method: "get", path: "/stage-probabilities", tags, security, middleware: [requirePermission("records:read")] as const,
    summary: "Learned vs configured stage probabilities, with sample sizes",
    description:
      `For each stage: of the closed deals that were ever open in it, the share won. The configured probability stands until ${MIN_LEARNING_SAMPLE} ` +
      "closed deals have passed through the stage. Learned over the whole organization's history (a statistic, not records).",
    request: { query: z.object({ pipelineId: Id }) },
    responses: {
      200: jsonResponse(envelope(z.object({ minSample: z.number().int(), stages: z.array(StageProbabilitySchema) })), "Per stage"),
      ...standardErrors,
    },
  }),
  accuracy: createRoute({
    method: "get", path: "/accuracy", tags, security, middleware: [requirePermission("records:read")] as const,
    summary: "Forecast versus actual per past period, and MAPE",
    description: `${ACCURACY_BASIS} Actual: closed won in the period now. MAPE (a fraction) averages periods with a forecast and a non-zero actual, per currency. Defaults: the six periods before the current one; periods not yet ended are left out.`,
    request: { query: z.object(Range) },
    responses: { 200: jsonResponse(envelope(AccuracySchema), "Per period"), ...standardErrors },
  }),
};

export const forecastRoutes = createRouter()
  .openapi(routes.forecast, async (c) => {
    const auth = c.get("auth");
    const forecast = await forecastFor(orgDb(c.env, auth.orgId), scopeOf(auth), c.req.valid("query"));
    await armForecastClock(c.env, auth.orgId);
    return ok(c, forecast);
  })
  .openapi(routes.deals, async (c) => {
    const auth = c.get("auth");
    return ok(c, await dealsBehind(orgDb(c.env, auth.orgId), scopeOf(auth), c.req.valid("query")));
  })
  .openapi(routes.stageProbabilities, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const pipeline = await requirePipeline(db, auth.orgId, c.req.valid("query").pipelineId);
    return ok(c, { minSample: MIN_LEARNING_SAMPLE, stages: await stageProbabilities(db, auth.orgId, pipeline) });
  })
  .openapi(routes.accuracy, async (c) => {
    const auth = c.get("auth");
    return ok(c, await accuracyFor(orgDb(c.env, auth.orgId), scopeOf(auth), c.req.valid("query")));
  });
