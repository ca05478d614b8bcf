import { createRoute, z } from "@hono/zod-openapi";
import { ownRecordsOnly } from "../../platform/access";
import { requirePermission } from "../../platform/auth-middleware";
import { orgDb } from "../../platform/db";
import { forbidden } from "../../platform/errors";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import type { AppEnv } from "../../platform/env";
import type { Context } from "hono";
import { RECONCILIATION_MISMATCHES } from "../../../schema";
import { DEFAULT_WINDOW_DAYS, getRun, listRuns, MAX_WINDOW_DAYS, startRuns } from "./reconciliation-runs";
import { NIGHTLY_HOUR_UTC } from "./reconciliation-task";

const tags = ["Finance: reconciliation"];
const security = [{ bearerAuth: [] }];

const RunSchema = z
  .object({
    id: z.string(),
    connectionId: z.string(),
    fromAt: z.number().int(),
    toAt: z.number().int(),
    status: z.enum(["running", "done", "failed"]),
    trigger: z.enum(["cron", "manual"]),
    compared: z.number().int(),
    matched: z.number().int(),
    mismatches: z.number().int(),
    error: z.string().nullable(),
    startedBy: z.string().nullable(),
    startedAt: z.number().int(),
    finishedAt: z.number().int().nullable(),
  })
  .openapi("ReconciliationRun");

const ItemSchema = z
  .object({
    id: z.string(),
    kind: z.enum(RECONCILIATION_MISMATCHES),
    paymentId: z.string().nullable(),
    stripeBalanceTransactionId: z.string().nullable(),
    stripeChargeId: z.string().nullable(),
    currency: z.string().nullable(),
    expected: z.number().int().nullable().openapi({ description: "Our figure (minor units)" }),
    actual: z.number().int().nullable().openapi({ description: "Stripe's figure (minor units)" }),
    message: z.string(),
    createdAt: z.number().int(),
  })
  .openapi("ReconciliationItem");

const RunDetailSchema = RunSchema.extend({ items: z.array(ItemSchema) }).openapi("ReconciliationRunDetail");

const StartRun = z
  .object({
    connectionId: z.string().min(1).max(64).optional().openapi({ description: "One connection; default: every enabled one" }),
    days: z.number().int().min(1).max(MAX_WINDOW_DAYS).optional().openapi({ description: `The window: the last N days (default ${DEFAULT_WINDOW_DAYS})` }),
  })
  .strict()
  .openapi("ReconciliationStart");

const HOW =
  "Compares the Stripe balance transactions of the window with our payments and refunds (matched by balance transaction, charge or " +
  "payment intent id; refunds by refund id) and lists every mismatch: `missing_in_crm`, `missing_in_stripe`, `amount_mismatch`, " +
  "`currency_mismatch`, `fee_mismatch`, `refund_mismatch`; a payment without a fee gets Stripe's fee and net. " +
  `Runs nightly from ${String(NIGHTLY_HOUR_UTC).padStart(2, "0")}:00 UTC for the last ${DEFAULT_WINDOW_DAYS} days.`;

/** Reconciliation spans every payment, so agents restricted to their own records do not read it. */
function assertSeesAll(c: Context<AppEnv>) {
  if (ownRecordsOnly(c.get("auth"))) throw forbidden("Reconciliation covers every payment; your access is limited to your own records");
}

const routes = {
  start: createRoute({
    method: "post", path: "/runs", tags, security, middleware: [requirePermission("billing:manage")] as const,
    summary: "Run a reconciliation against Stripe now",
    description: `${HOW} Answers at once with the runs (status running); a queue job does the comparison. Without an enabled Stripe connection: 409 \`not_configured\`.`,
    request: { body: { ...jsonBody(StartRun).body, required: false } },
    responses: { 202: jsonResponse(envelope(z.array(RunSchema)), "The runs started, one per connection"), ...standardErrors, 409: jsonResponse(z.any(), "No Stripe connection (`not_configured`)") },
  }),
  list: createRoute({
    method: "get", path: "/runs", tags, security, middleware: [requirePermission("billing:read")] as const,
    summary: "Recent reconciliation runs, newest first",
    description: HOW,
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }) },
    responses: { 200: jsonResponse(envelope(z.array(RunSchema)), "Runs"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/runs/{id}", tags, security, middleware: [requirePermission("billing:read")] as const,
    summary: "A reconciliation run with its mismatches",
    description: HOW,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(RunDetailSchema), "The run"), ...standardErrors },
  }),
};

const view = <T extends { orgId: string }>({ orgId: _orgId, ...rest }: T) => rest;

export const reconciliationRoutes = createRouter()
  .openapi(routes.start, async (c) => {
    const auth = c.get("auth");
    const body = c.req.valid("json") ?? {};
    const runs = await startRuns(c.env, orgDb(c.env, auth.orgId), auth.orgId, { ...body, trigger: "manual", startedBy: auth.userId });
    return ok(c, runs.map(view), { status: 202 });
  })
  .openapi(routes.list, async (c) => {
    assertSeesAll(c);
    const auth = c.get("auth");
    return ok(c, (await listRuns(orgDb(c.env, auth.orgId), auth.orgId, c.req.valid("query").limit)).map(view));
  })
  .openapi(routes.get, async (c) => {
    assertSeesAll(c);
    const auth = c.get("auth");
    const run = await getRun(orgDb(c.env, auth.orgId), auth.orgId, c.req.valid("param").id);
    return ok(c, { ...view(run), items: run.items.map(({ orgId: _o, runId: _r, ...item }) => item) });
  });
