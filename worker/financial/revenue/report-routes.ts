import { createRoute, z } from "@hono/zod-openapi";
import { requirePermission } from "../../platform/auth-middleware";
import { orgDb } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { createRouter, envelope, jsonResponse, ok, standardErrors } from "../../platform/http";
import { orgTimeZone } from "../../platform/local-time";
import { isCurrency } from "../money";
import { AGING_BUCKETS, AGING_GROUPS, AGING_INVOICE_LIMIT, agingReport } from "./aging-report";
import { addMonths, localToday, MAX_REPORT_MONTHS, MONTH, monthsBetween, REPORT_INTERVALS } from "./report-periods";
import { agingCsv, csvDownload, revenueCsv } from "./report-csv";
import { REVENUE_GROUPS, revenueReport } from "./revenue-report";

const tags = ["Finance: reports"];
const security = [{ bearerAuth: [] }];

const Month = z.string().regex(MONTH, "Use a month, YYYY-MM").openapi({ example: "2026-03" });
const isRealDate = (s: string) => {
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
};
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD").refine(isRealDate, "Not a calendar date").openapi({ example: "2026-03-31" });
const Currency = z
  .string()
  .refine(isCurrency, "Use an ISO 4217 code, e.g. EUR")
  .optional()
  .openapi({ description: "Only this currency; all by default, each reported on its own" });

const RevenueQuery = z.object({
  from: Month.optional().openapi({ description: "First month (organization's calendar); default: 11 months before `to`" }),
  to: Month.optional().openapi({ description: "Last month; default: the current month" }),
  interval: z.enum(REPORT_INTERVALS).default("month"),
  groupBy: z.enum(REVENUE_GROUPS).default("none"),
  currency: Currency,
});

const AgingQuery = z.object({
  asOf: LocalDate.optional().openapi({ description: "The local date invoices are aged at; default: today in the organization's zone" }),
  groupBy: z.enum(AGING_GROUPS).default("none"),
  currency: Currency,
});

const Amounts = { recognized: z.number().int(), cashCollected: z.number().int(), refunds: z.number().int(), net: z.number().int() };
const RevenueReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    interval: z.enum(REPORT_INTERVALS),
    groupBy: z.enum(REVENUE_GROUPS),
    timeZone: z.string(),
    currencies: z.array(z.string()),
    periods: z.array(z.object({ key: z.string(), start: z.string(), end: z.string() })),
    totals: z.array(z.object({ period: z.string(), currency: z.string(), ...Amounts })).openapi({ description: "Every period for every currency that has any figure" }),
    groups: z
      .array(
        z.object({
          period: z.string(),
          currency: z.string(),
          key: z.string().nullable().openapi({ description: "Owner, company or product id; null: unassigned, no company, or free-form lines" }),
          name: z.string(),
          recognized: z.number().int(),
          cashCollected: z.number().int().nullable().openapi({ description: "Null by product: a payment pays a whole invoice" }),
          refunds: z.number().int().nullable(),
          net: z.number().int().nullable(),
        }),
      )
      .openapi({ description: "Non-empty groups per period and currency; empty when groupBy is none" }),
  })
  .openapi("RevenueReport");

const BucketFields = Object.fromEntries(AGING_BUCKETS.map((b) => [b, z.number().int()])) as Record<(typeof AGING_BUCKETS)[number], z.ZodNumber>;
const Bucketed = { ...BucketFields, total: z.number().int(), count: z.number().int() };
const AgingReportSchema = z
  .object({
    asOf: z.string(),
    groupBy: z.enum(AGING_GROUPS),
    currencies: z.array(z.string()),
    totals: z.array(z.object({ currency: z.string(), ...Bucketed })),
    rows: z.array(z.object({ currency: z.string(), key: z.string().nullable(), name: z.string(), ...Bucketed })),
    invoices: z.array(
      z.object({
        id: z.string(),
        number: z.string().nullable(),
        companyId: z.string().nullable(),
        companyName: z.string().nullable(),
        ownerId: z.string().nullable(),
        currency: z.string(),
        issueDate: z.string().nullable(),
        dueDate: z.string().nullable(),
        total: z.number().int(),
        amountDue: z.number().int(),
        daysOverdue: z.number().int(),
        bucket: z.enum(AGING_BUCKETS),
      }),
    ),
    truncated: z.boolean().openapi({ description: `More than ${AGING_INVOICE_LIMIT} invoices: the list is cut, the sums are not` }),
  })
  .openapi("AgingReport");

const csv = (description: string) => ({
  content: { "text/csv": { schema: z.string().openapi({ description: "UTF-8 CSV with a header row; amounts in major units" }) } },
  description,
});

const REVENUE_DESCRIPTION =
  "Per period (months or quarters of the organization's calendar) and currency; currencies are never converted or added together. " +
  "`recognized`: revenue entries of paid invoices (line amounts after discount, before tax; a line with a service period is spread " +
  "evenly over its months). `cashCollected`: payments received in the period that arrived (succeeded, and those later refunded or " +
  "disputed). `refunds`: refunds made in the period. `net` = cashCollected − refunds. `groupBy` splits them by owner, company or " +
  "product (by product only `recognized`: a payment pays a whole invoice). Amounts in minor units. Agents restricted to their own " +
  `records see their own invoices' figures. At most ${MAX_REPORT_MONTHS} months.`;

const AGING_DESCRIPTION =
  "Open invoices' amount due (as it stands now) by days past due as of `asOf`: current (not yet due, or no due date), 1–30, 31–60, " +
  "61–90 and 90+ days; per currency, optionally per company, with the invoices behind each bucket. Invoices issued after `asOf` are left out.";

const routes = {
  revenue: createRoute({
    method: "get", path: "/revenue", tags, security, middleware: [requirePermission("billing:read")] as const,
    summary: "Revenue report: recognized revenue, cash collected, refunds and net per period and currency",
    description: REVENUE_DESCRIPTION,
    request: { query: RevenueQuery },
    responses: { 200: jsonResponse(envelope(RevenueReportSchema), "The report"), ...standardErrors },
  }),
  revenueCsv: createRoute({
    method: "get", path: "/revenue/export.csv", tags, security, middleware: [requirePermission("billing:read")] as const,
    summary: "Revenue report as CSV",
    description: `${REVENUE_DESCRIPTION} One row per period and currency, or per group with a groupBy.`,
    request: { query: RevenueQuery },
    responses: { 200: csv("revenue-<from>-to-<to>.csv"), ...standardErrors },
  }),
  aging: createRoute({
    method: "get", path: "/aging", tags, security, middleware: [requirePermission("billing:read")] as const,
    summary: "Accounts receivable aging: amount due by days overdue",
    description: AGING_DESCRIPTION,
    request: { query: AgingQuery },
    responses: { 200: jsonResponse(envelope(AgingReportSchema), "The report"), ...standardErrors },
  }),
  agingCsv: createRoute({
    method: "get", path: "/aging/export.csv", tags, security, middleware: [requirePermission("billing:read")] as const,
    summary: "Accounts receivable aging as CSV, one row per open invoice",
    description: AGING_DESCRIPTION,
    request: { query: AgingQuery },
    responses: { 200: csv("aging-<asOf>.csv"), ...standardErrors },
  }),
};

async function revenueScope(env: Parameters<typeof orgDb>[0], orgId: string, query: z.infer<typeof RevenueQuery>) {
  const db = orgDb(env, orgId);
  const timeZone = await orgTimeZone(db, orgId);
  const to = query.to ?? localToday(Date.now(), timeZone).month;
  const from = query.from ?? addMonths(to, -11);
  if (from > to) throw invalid({ from: ["`from` is after `to`"] });
  if (monthsBetween(from, to).length > MAX_REPORT_MONTHS) throw invalid({ to: [`At most ${MAX_REPORT_MONTHS} months`] });
  return { db, timeZone, q: { from, to, interval: query.interval, groupBy: query.groupBy, currency: query.currency } };
}

async function agingScope(env: Parameters<typeof orgDb>[0], orgId: string, query: z.infer<typeof AgingQuery>) {
  const db = orgDb(env, orgId);
  const asOf = query.asOf ?? localToday(Date.now(), await orgTimeZone(db, orgId)).day;
  return { db, q: { asOf, groupBy: query.groupBy, currency: query.currency } };
}

/** Reports over invoices, payments and recognized revenue; read with billing:read. */
export const reportRoutes = createRouter()
  .openapi(routes.revenue, async (c) => {
    const auth = c.get("auth");
    const { db, timeZone, q } = await revenueScope(c.env, auth.orgId, c.req.valid("query"));
    return ok(c, await revenueReport(db, auth.orgId, auth, q, timeZone));
  })
  .openapi(routes.revenueCsv, async (c) => {
    const auth = c.get("auth");
    const { db, timeZone, q } = await revenueScope(c.env, auth.orgId, c.req.valid("query"));
    const report = await revenueReport(db, auth.orgId, auth, q, timeZone);
    return c.body(revenueCsv(report), 200, csvDownload(`revenue-${q.from}-to-${q.to}.csv`));
  })
  .openapi(routes.aging, async (c) => {
    const auth = c.get("auth");
    const { db, q } = await agingScope(c.env, auth.orgId, c.req.valid("query"));
    return ok(c, await agingReport(db, auth.orgId, auth, q));
  })
  .openapi(routes.agingCsv, async (c) => {
    const auth = c.get("auth");
    const { db, q } = await agingScope(c.env, auth.orgId, c.req.valid("query"));
    return c.body(agingCsv(await agingReport(db, auth.orgId, auth, q)), 200, csvDownload(`aging-${q.asOf}.csv`));
  });
