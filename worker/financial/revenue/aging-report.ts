/**
 * Accounts receivable aging: what open invoices still owe (amountDue, today's
 * figure), by how many days each is past its due date as of a local date.
 * An invoice due on `asOf` or later, or with no due date, is current; one due
 * the day before is 1 day overdue. Invoices issued after `asOf` are left out.
 * Per currency (never added across currencies), optionally per company, with
 * the invoices behind each bucket.
 */
import { sql } from "drizzle-orm";
import { ownRecordsOnly } from "../../platform/access";
import type { Db } from "../../platform/db";
import type { AuthContext } from "../../platform/env";

export const AGING_BUCKETS = ["current", "days1to30", "days31to60", "days61to90", "over90"] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];
export const AGING_LABELS: Record<AgingBucket, string> = {
  current: "Current",
  days1to30: "1–30 days",
  days31to60: "31–60 days",
  days61to90: "61–90 days",
  over90: "90+ days",
};
export const AGING_GROUPS = ["none", "company"] as const;
export type AgingGroup = (typeof AGING_GROUPS)[number];

/** The most invoices listed behind the buckets; the sums always cover all of them. */
export const AGING_INVOICE_LIMIT = 2_000;

const DAY = 86_400_000;
const dayNumber = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY;

/** Whole days from `dueDate` to `asOf` (both "YYYY-MM-DD"); 0 or less is not overdue. */
export const daysOverdue = (dueDate: string | null, asOf: string): number => (dueDate ? dayNumber(asOf) - dayNumber(dueDate) : 0);

export function agingBucket(days: number): AgingBucket {
  if (days <= 0) return "current";
  if (days <= 30) return "days1to30";
  if (days <= 60) return "days31to60";
  if (days <= 90) return "days61to90";
  return "over90";
}

export type BucketAmounts = Record<AgingBucket, number> & { total: number; count: number };

export interface AgingRow extends BucketAmounts {
  currency: string;
  key: string | null;
  name: string;
}

export interface AgingInvoice {
  id: string;
  number: string | null;
  companyId: string | null;
  companyName: string | null;
  ownerId: string | null;
  currency: string;
  issueDate: string | null;
  dueDate: string | null;
  total: number;
  amountDue: number;
  daysOverdue: number;
  bucket: AgingBucket;
}

export interface AgingReport {
  asOf: string;
  groupBy: AgingGroup;
  currencies: string[];
  totals: (BucketAmounts & { currency: string })[];
  rows: AgingRow[];
  invoices: AgingInvoice[];
  truncated: boolean;
}

const emptyAmounts = (): BucketAmounts => ({ current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0, total: 0, count: 0 });

interface OpenInvoice {
  id: string;
  number: string | null;
  companyId: string | null;
  companyName: string | null;
  ownerId: string | null;
  currency: string;
  issueDate: string | null;
  dueDate: string | null;
  total: number;
  amountDue: number;
}

export async function agingReport(db: Db, orgId: string, auth: AuthContext, q: { asOf: string; groupBy: AgingGroup; currency?: string }): Promise<AgingReport> {
  const open = await db.all<OpenInvoice>(sql`SELECT i.id, i.number, i.company_id AS companyId, c.name AS companyName, i.owner_id AS ownerId, i.currency,
      i.issue_date AS issueDate, i.due_date AS dueDate, i.total, i.amount_due AS amountDue
    FROM invoices i LEFT JOIN companies c ON c.id = i.company_id AND c.org_id = i.org_id
    WHERE i.org_id = ${orgId} AND i.kind = 'invoice' AND i.status = 'open' AND i.amount_due > 0
      AND (i.issue_date IS NULL OR i.issue_date <= ${q.asOf})
      ${q.currency ? sql`AND i.currency = ${q.currency}` : sql``}
      ${ownRecordsOnly(auth) ? sql`AND i.owner_id = ${auth.userId}` : sql``}`);

  const invoices: AgingInvoice[] = open.map((inv) => {
    const days = daysOverdue(inv.dueDate, q.asOf);
    return { ...inv, daysOverdue: Math.max(0, days), bucket: agingBucket(days) };
  });
  invoices.sort((a, b) => b.daysOverdue - a.daysOverdue || a.currency.localeCompare(b.currency) || (a.number ?? "").localeCompare(b.number ?? ""));

  const totals = new Map<string, BucketAmounts & { currency: string }>();
  const rows = new Map<string, AgingRow>();
  for (const inv of invoices) {
    const total = totals.get(inv.currency) ?? { currency: inv.currency, ...emptyAmounts() };
    totals.set(inv.currency, total);
    const key = q.groupBy === "company" ? inv.companyId : null;
    const id = `${inv.currency}|${key ?? ""}`;
    const row = rows.get(id) ?? { currency: inv.currency, key, name: q.groupBy === "company" ? (inv.companyName ?? "No company") : "", ...emptyAmounts() };
    rows.set(id, row);
    for (const target of [total, row]) {
      target[inv.bucket] += inv.amountDue;
      target.total += inv.amountDue;
      target.count += 1;
    }
  }
  const currencies = [...totals.keys()].sort();
  return {
    asOf: q.asOf,
    groupBy: q.groupBy,
    currencies,
    totals: currencies.map((c) => totals.get(c)!),
    rows: [...rows.values()].sort((a, b) => a.currency.localeCompare(b.currency) || b.total - a.total || a.name.localeCompare(b.name)),
    invoices: invoices.slice(0, AGING_INVOICE_LIMIT),
    truncated: invoices.length > AGING_INVOICE_LIMIT,
  };
}
