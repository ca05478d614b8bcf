import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { canSeeRecord, visibleTo } from "../../platform/access";
import type { Db } from "../../platform/db";
import type { AuthContext } from "../../platform/env";
import { notFound } from "../../platform/errors";
import { containsPattern } from "../../platform/like";
import { localDateOf, orgTimeZone } from "../../platform/local-time";
import { companies, contacts, deals, invoiceLines, invoices, payments, type Invoice, type InvoiceKind } from "../../../schema";
import type { DisplayStatus, InvoiceDetail, InvoiceView } from "./invoice-schemas";

/**
 * Reading invoices and quotes: one, a filtered page, totals per currency.
 * Everyone with `billing:read` reads; under row-level access ("own") agents
 * see only the documents they own, and any other document answers 404.
 */

/** The organization's date today ("YYYY-MM-DD"), against which due dates and quote validity are read. */
export async function orgToday(db: Db, orgId: string, now = Date.now()): Promise<string> {
  return localDateOf(now, await orgTimeZone(db, orgId));
}

export function displayStatusOf(row: Pick<Invoice, "kind" | "status" | "dueDate" | "amountPaid" | "amountDue">, today: string): DisplayStatus {
  const past = row.dueDate !== null && row.dueDate < today;
  if (row.status !== "open") return row.status;
  if (row.kind === "quote") return past ? "expired" : "sent";
  if (past && row.amountDue > 0) return "overdue";
  return row.amountPaid > 0 && row.amountDue > 0 ? "partially_paid" : "open";
}

/** The customer's name as the document prints it: the company, else the contact. */
const customerName = sql<string | null>`COALESCE(
  (SELECT ${companies.name} FROM ${companies} WHERE ${companies.id} = ${invoices.companyId} AND ${companies.orgId} = ${invoices.orgId}),
  (SELECT trim(${contacts.firstName} || ' ' || ${contacts.lastName}) FROM ${contacts} WHERE ${contacts.id} = ${invoices.contactId} AND ${contacts.orgId} = ${invoices.orgId}))`;

export function invoiceView(row: Invoice, name: string | null, today: string): InvoiceView {
  const { orgId: _org, publicTokenHash, stripeConnectionId: _c, stripeCheckoutSessionId: _s, stripeCheckoutExpiresAt: _e, updatedBy: _u, ...rest } = row;
  return { ...rest, displayStatus: displayStatusOf(row, today), customerName: name, hasPublicLink: publicTokenHash !== null };
}

/** The document if it exists in the organization and the caller may see it; 404 otherwise. */
export async function requireInvoice(db: Db, auth: AuthContext, id: string, kind?: InvoiceKind): Promise<Invoice> {
  const row = await db.select().from(invoices).where(and(eq(invoices.orgId, auth.orgId), eq(invoices.id, id))).get();
  if (!row || !canSeeRecord(auth, row.ownerId) || (kind && row.kind !== kind)) throw notFound(kind === "quote" ? "Quote" : "Invoice");
  return row;
}

export async function getInvoice(db: Db, auth: AuthContext, id: string): Promise<InvoiceDetail> {
  const row = await requireInvoice(db, auth, id);
  return invoiceDetail(db, row, await orgToday(db, auth.orgId));
}

/** A document with its lines, payments and the names of what it links to. */
export async function invoiceDetail(db: Db, row: Invoice, today: string): Promise<InvoiceDetail> {
  const orgId = row.orgId;
  const [lines, paid, company, contact, deal, linked] = await Promise.all([
    db.select().from(invoiceLines).where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, row.id))).orderBy(asc(invoiceLines.position)),
    db.select().from(payments).where(and(eq(payments.orgId, orgId), eq(payments.invoiceId, row.id))).orderBy(asc(payments.receivedAt)),
    row.companyId ? db.select({ name: companies.name }).from(companies).where(and(eq(companies.orgId, orgId), eq(companies.id, row.companyId))).get() : undefined,
    row.contactId
      ? db.select({ first: contacts.firstName, last: contacts.lastName }).from(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, row.contactId))).get()
      : undefined,
    row.dealId ? db.select({ title: deals.title }).from(deals).where(and(eq(deals.orgId, orgId), eq(deals.id, row.dealId))).get() : undefined,
    row.quoteId ? db.select({ number: invoices.number }).from(invoices).where(and(eq(invoices.orgId, orgId), eq(invoices.id, row.quoteId))).get() : undefined,
  ]);
  const contactName = contact ? `${contact.first} ${contact.last}`.trim() : null;
  const companyName = company?.name ?? null;
  return {
    ...invoiceView(row, companyName ?? contactName, today),
    lines: lines.map(({ orgId: _o, invoiceId: _i, ...line }) => line),
    payments: paid.map((p) => ({
      id: p.id,
      amount: p.amount,
      currency: p.currency,
      method: p.method,
      status: p.status,
      amountRefunded: p.amountRefunded,
      reference: p.reference,
      receivedAt: p.receivedAt,
    })),
    companyName,
    contactName,
    dealTitle: deal?.title ?? null,
    linkedNumber: linked?.number ?? null,
  };
}

export interface InvoiceFilters {
  kind?: InvoiceKind;
  status?: DisplayStatus;
  dealId?: string;
  companyId?: string;
  contactId?: string;
  ownerId?: string;
  overdue?: "true" | "false";
  q?: string;
}

const overdueCondition = (today: string) =>
  and(eq(invoices.kind, "invoice"), eq(invoices.status, "open"), sql`${invoices.amountDue} > 0`, sql`${invoices.dueDate} < ${today}`);

function statusCondition(status: DisplayStatus, today: string): SQL | undefined {
  switch (status) {
    case "overdue":
      return overdueCondition(today);
    case "partially_paid":
      return and(eq(invoices.status, "open"), sql`${invoices.amountPaid} > 0`, sql`${invoices.amountDue} > 0`);
    case "sent":
      return and(eq(invoices.kind, "quote"), eq(invoices.status, "open"), sql`(${invoices.dueDate} IS NULL OR ${invoices.dueDate} >= ${today})`);
    case "expired":
      return and(eq(invoices.kind, "quote"), eq(invoices.status, "open"), sql`${invoices.dueDate} < ${today}`);
    default:
      return eq(invoices.status, status);
  }
}

function conditions(auth: AuthContext, f: InvoiceFilters, today: string): SQL | undefined {
  const where: (SQL | undefined)[] = [
    eq(invoices.orgId, auth.orgId),
    visibleTo(auth, invoices.ownerId),
    f.kind ? eq(invoices.kind, f.kind) : undefined,
    f.status ? statusCondition(f.status, today) : undefined,
    f.dealId ? eq(invoices.dealId, f.dealId) : undefined,
    f.companyId ? eq(invoices.companyId, f.companyId) : undefined,
    f.contactId ? eq(invoices.contactId, f.contactId) : undefined,
    f.ownerId ? eq(invoices.ownerId, f.ownerId) : undefined,
    f.overdue === "true" ? overdueCondition(today) : undefined,
    f.overdue === "false" ? sql`NOT coalesce(${overdueCondition(today)}, 0)` : undefined,
    f.q ? sql`(lower(coalesce(${invoices.number}, '')) LIKE ${containsPattern(f.q)} ESCAPE '\\' OR lower(coalesce(${customerName}, '')) LIKE ${containsPattern(f.q)} ESCAPE '\\')` : undefined,
  ];
  return and(...where);
}

export type InvoiceSort = "number" | "issueDate" | "dueDate" | "total" | "createdAt";

const SORT_COLUMNS: Record<InvoiceSort, SQLiteColumn> = {
  number: invoices.sequence,
  issueDate: invoices.issueDate,
  dueDate: invoices.dueDate,
  total: invoices.total,
  createdAt: invoices.createdAt,
};

export async function listInvoices(
  db: Db,
  auth: AuthContext,
  f: InvoiceFilters & { sort: InvoiceSort | `-${InvoiceSort}`; page: number; perPage: number },
): Promise<{ rows: InvoiceView[]; total: number }> {
  const today = await orgToday(db, auth.orgId);
  const where = conditions(auth, f, today);
  const descending = f.sort.startsWith("-");
  const column = SORT_COLUMNS[(descending ? f.sort.slice(1) : f.sort) as InvoiceSort];
  const order = descending ? sql`${column} DESC NULLS LAST` : sql`${column} ASC NULLS LAST`;
  const [rows, [count]] = await Promise.all([
    db
      .select({ row: invoices, name: customerName })
      .from(invoices)
      .where(where)
      .orderBy(order, descending ? desc(invoices.id) : asc(invoices.id))
      .limit(f.perPage)
      .offset((f.page - 1) * f.perPage),
    db.select({ total: sql<number>`count(*)` }).from(invoices).where(where),
  ]);
  return { rows: rows.map((r) => invoiceView(r.row, r.name, today)), total: count?.total ?? 0 };
}

/** Sums per currency over everything the filters match (amounts in different currencies are never added). */
export async function invoiceTotals(db: Db, auth: AuthContext, f: InvoiceFilters) {
  const today = await orgToday(db, auth.orgId);
  return db
    .select({
      currency: invoices.currency,
      count: sql<number>`count(*)`,
      total: sql<number>`coalesce(sum(${invoices.total}), 0)`,
      amountPaid: sql<number>`coalesce(sum(${invoices.amountPaid}), 0)`,
      amountDue: sql<number>`coalesce(sum(CASE WHEN ${invoices.status} = 'open' THEN ${invoices.amountDue} ELSE 0 END), 0)`,
    })
    .from(invoices)
    .where(conditions(auth, f, today))
    .groupBy(invoices.currency)
    .orderBy(asc(invoices.currency));
}
