/**
 * The revenue report, per period and currency (never converted, never added
 * across currencies):
 * - recognized: revenue entries of the period's months (paid invoice lines,
 *   net of discount, before tax, spread over their service periods);
 * - cashCollected: payments received in the period (by receivedAt, in the
 *   organization's zone) that went through: succeeded, and those later
 *   refunded or disputed, whose money did arrive (pending and failed ones did not);
 * - refunds: refunds made in the period (by refundedAt), whatever payment they return;
 * - net = cashCollected − refunds.
 * Groups split the same numbers by owner, company or product. A payment pays a
 * whole invoice, so by product only `recognized` is split (cash and refunds
 * stay in the totals). Agents restricted to their own records see the revenue
 * and payments of invoices they own; payments parked without an invoice are
 * seen by the others only.
 */
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { companies, memberships, products, users } from "../../../schema";
import { ownRecordsOnly } from "../../platform/access";
import type { Db } from "../../platform/db";
import type { AuthContext } from "../../platform/env";
import { monthsBetween, monthStarts, periodOfMonth, reportPeriods, type ReportInterval, type ReportPeriod } from "./report-periods";

export const REVENUE_GROUPS = ["none", "owner", "product", "company"] as const;
export type RevenueGroup = (typeof REVENUE_GROUPS)[number];

/** Payment statuses whose money arrived. */
export const COLLECTED_STATUSES = ["succeeded", "partially_refunded", "refunded", "disputed"] as const;

export interface RevenueQuery {
  from: string;
  to: string;
  interval: ReportInterval;
  groupBy: RevenueGroup;
  currency?: string;
}

export interface RevenueTotals {
  period: string;
  currency: string;
  recognized: number;
  cashCollected: number;
  refunds: number;
  net: number;
}

export interface RevenueGroupRow {
  period: string;
  currency: string;
  key: string | null;
  name: string;
  recognized: number;
  cashCollected: number | null;
  refunds: number | null;
  net: number | null;
}

export interface RevenueReport {
  from: string;
  to: string;
  interval: ReportInterval;
  groupBy: RevenueGroup;
  timeZone: string;
  currencies: string[];
  periods: ReportPeriod[];
  totals: RevenueTotals[];
  groups: RevenueGroupRow[];
}

interface Sum {
  month: string;
  currency: string;
  k: string | null;
  total: number;
}

type Measure = "recognized" | "cashCollected" | "refunds";

/** CASE mapping an instant column to its local month; the bounds are integers we computed, so they are inlined (D1 caps bound parameters). */
function monthCase(column: SQL, months: string[], starts: number[]): SQL {
  const whens = months.map((m, i) => sql`WHEN ${column} < ${sql.raw(String(Math.trunc(starts[i + 1]!)))} THEN ${sql.raw(`'${m}'`)}`);
  return sql`CASE ${sql.join(whens, sql` `)} END`;
}

async function recognizedSums(db: Db, orgId: string, q: RevenueQuery, auth: AuthContext, months: string[]): Promise<Sum[]> {
  const k = { none: sql`NULL`, owner: sql`owner_id`, product: sql`product_id`, company: sql`company_id` }[q.groupBy];
  return db.all<Sum>(sql`SELECT period AS month, currency, ${k} AS k, SUM(amount) AS total FROM revenue_entries
    WHERE org_id = ${orgId} AND period >= ${months[0]} AND period <= ${months.at(-1)}
      ${q.currency ? sql`AND currency = ${q.currency}` : sql``}
      ${ownRecordsOnly(auth) ? sql`AND owner_id = ${auth.userId}` : sql``}
    GROUP BY 1, 2, 3`);
}

async function cashSums(db: Db, orgId: string, q: RevenueQuery, auth: AuthContext, months: string[], starts: number[]): Promise<Sum[]> {
  const k = { none: sql`NULL`, owner: sql`i.owner_id`, product: sql`NULL`, company: sql`coalesce(p.company_id, i.company_id)` }[q.groupBy];
  const statuses = sql.join(COLLECTED_STATUSES.map((s) => sql`${s}`), sql`, `);
  return db.all<Sum>(sql`SELECT ${monthCase(sql`p.received_at`, months, starts)} AS month, p.currency AS currency, ${k} AS k, SUM(p.amount) AS total
    FROM payments p LEFT JOIN invoices i ON i.id = p.invoice_id AND i.org_id = p.org_id
    WHERE p.org_id = ${orgId} AND p.status IN (${statuses})
      AND p.received_at >= ${starts[0]} AND p.received_at < ${starts.at(-1)}
      ${q.currency ? sql`AND p.currency = ${q.currency}` : sql``}
      ${ownRecordsOnly(auth) ? sql`AND i.owner_id = ${auth.userId}` : sql``}
    GROUP BY 1, 2, 3`);
}

async function refundSums(db: Db, orgId: string, q: RevenueQuery, auth: AuthContext, months: string[], starts: number[]): Promise<Sum[]> {
  const k = { none: sql`NULL`, owner: sql`i.owner_id`, product: sql`NULL`, company: sql`coalesce(p.company_id, i.company_id)` }[q.groupBy];
  return db.all<Sum>(sql`SELECT ${monthCase(sql`r.refunded_at`, months, starts)} AS month, r.currency AS currency, ${k} AS k, SUM(r.amount) AS total
    FROM payment_refunds r
      JOIN payments p ON p.id = r.payment_id AND p.org_id = r.org_id
      LEFT JOIN invoices i ON i.id = coalesce(r.invoice_id, p.invoice_id) AND i.org_id = r.org_id
    WHERE r.org_id = ${orgId} AND r.refunded_at >= ${starts[0]} AND r.refunded_at < ${starts.at(-1)}
      ${q.currency ? sql`AND r.currency = ${q.currency}` : sql``}
      ${ownRecordsOnly(auth) ? sql`AND i.owner_id = ${auth.userId}` : sql``}
    GROUP BY 1, 2, 3`);
}

async function groupNames(db: Db, orgId: string, groupBy: RevenueGroup, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0 || groupBy === "none") return new Map();
  const rows =
    groupBy === "owner"
      ? await db
          .select({ id: users.id, name: users.name })
          .from(memberships)
          .innerJoin(users, eq(users.id, memberships.userId))
          .where(and(eq(memberships.orgId, orgId), inArray(memberships.userId, ids)))
      : groupBy === "company"
        ? await db.select({ id: companies.id, name: companies.name }).from(companies).where(and(eq(companies.orgId, orgId), inArray(companies.id, ids)))
        : await db.select({ id: products.id, name: products.name }).from(products).where(and(eq(products.orgId, orgId), inArray(products.id, ids)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

const NO_KEY_NAME: Record<Exclude<RevenueGroup, "none">, string> = { owner: "Unassigned", company: "No company", product: "Free-form lines" };

export async function revenueReport(db: Db, orgId: string, auth: AuthContext, q: RevenueQuery, timeZone: string): Promise<RevenueReport> {
  const months = monthsBetween(q.from, q.to);
  const starts = monthStarts(months, timeZone);
  const [recognized, cash, refunds] = await Promise.all([
    recognizedSums(db, orgId, q, auth, months),
    cashSums(db, orgId, q, auth, months, starts),
    refundSums(db, orgId, q, auth, months, starts),
  ]);
  const periods = reportPeriods(months, q.interval);
  const currencies = [...new Set([...recognized, ...cash, ...refunds].map((s) => s.currency))].sort();

  const totals = new Map<string, RevenueTotals>();
  for (const currency of currencies) {
    for (const p of periods) totals.set(`${p.key}|${currency}`, { period: p.key, currency, recognized: 0, cashCollected: 0, refunds: 0, net: 0 });
  }
  const groups = new Map<string, RevenueGroupRow>();
  const byProduct = q.groupBy === "product";
  const add = (measure: Measure, rows: Sum[]) => {
    for (const s of rows) {
      const period = periodOfMonth(s.month, q.interval);
      totals.get(`${period}|${s.currency}`)![measure] += s.total;
      if (q.groupBy === "none" || (byProduct && measure !== "recognized")) continue;
      const id = `${period}|${s.currency}|${s.k ?? ""}`;
      let row = groups.get(id);
      if (!row) {
        row = { period, currency: s.currency, key: s.k, name: "", recognized: 0, cashCollected: byProduct ? null : 0, refunds: byProduct ? null : 0, net: byProduct ? null : 0 };
        groups.set(id, row);
      }
      row[measure] = (row[measure] ?? 0) + s.total;
    }
  };
  add("recognized", recognized);
  add("cashCollected", cash);
  add("refunds", refunds);
  for (const t of totals.values()) t.net = t.cashCollected - t.refunds;

  const groupRows = [...groups.values()];
  const names = await groupNames(db, orgId, q.groupBy, [...new Set(groupRows.map((g) => g.key).filter((k): k is string => !!k))]);
  for (const g of groupRows) {
    if (!byProduct) g.net = (g.cashCollected ?? 0) - (g.refunds ?? 0);
    g.name = g.key ? (names.get(g.key) ?? "Removed") : q.groupBy === "none" ? "" : NO_KEY_NAME[q.groupBy];
  }
  const order = new Map(periods.map((p, i) => [p.key, i]));
  groupRows.sort((a, b) => order.get(a.period)! - order.get(b.period)! || a.currency.localeCompare(b.currency) || b.recognized - a.recognized || a.name.localeCompare(b.name));

  return { from: q.from, to: q.to, interval: q.interval, groupBy: q.groupBy, timeZone, currencies, periods, totals: [...totals.values()], groups: groupRows };
}
