import { and, desc, eq, gte, inArray, isNull, lte, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Env } from "../../platform/env";
import type { AuthContext } from "../../platform/env";
import type { Db } from "../../platform/db";
import { conflict, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { canSeeRecord, ownRecordsOnly } from "../../platform/access";
import { auditStatement } from "../../platform/audit-writer";
import type { Actor } from "../../platform/records";
import { invoices, organizations, paymentRefunds, payments, type Invoice, type Payment, type PaymentMethod, type PaymentStatus } from "../../../schema";
import { formatMoney } from "../money";
import { requireInvoice } from "../invoices";
import { revenueRecognitionStatements } from "../revenue/revenue-recognition";
import { COLLECTED, invoiceAmountsStatement, invoicePaidStatement, paymentStatusStatement } from "./payment-ledger";
import { afterPaymentChange } from "./payment-effects";

/**
 * Payments as finance sees them: the list (a restricted agent sees only
 * payments of invoices they own; parked ones have no invoice, so only
 * unrestricted members see those), manual payments recorded by hand, and
 * assigning a parked Stripe payment to its invoice. Each change runs in one
 * batch with the ledger's recomputations (payment-ledger.ts).
 */

export type PublicPayment = Omit<Payment, "orgId">;
export const publicPayment = ({ orgId: _o, ...rest }: Payment): PublicPayment => rest;

export interface PaymentFilters {
  invoiceId?: string;
  status?: PaymentStatus;
  method?: PaymentMethod;
  needsReview?: boolean;
  currency?: string;
  from?: number;
  to?: number;
}

/** Row-level access: the invoice's owner decides; a parked payment is for members who see everything. */
function visible(auth: AuthContext): SQL | undefined {
  if (!ownRecordsOnly(auth)) return undefined;
  return sql`${payments.invoiceId} IN (SELECT id FROM ${invoices} WHERE ${invoices.orgId} = ${auth.orgId} AND ${invoices.ownerId} = ${auth.userId})`;
}

export async function listPayments(db: Db, auth: AuthContext, f: PaymentFilters, page: number, perPage: number) {
  const where = and(
    eq(payments.orgId, auth.orgId),
    visible(auth),
    f.invoiceId ? eq(payments.invoiceId, f.invoiceId) : undefined,
    f.status ? eq(payments.status, f.status) : undefined,
    f.method ? eq(payments.method, f.method) : undefined,
    f.needsReview !== undefined ? eq(payments.needsReview, f.needsReview) : undefined,
    f.currency ? eq(payments.currency, f.currency) : undefined,
    f.from !== undefined ? gte(payments.receivedAt, f.from) : undefined,
    f.to !== undefined ? lte(payments.receivedAt, f.to) : undefined,
  );
  const [rows, total] = await Promise.all([
    db.select().from(payments).where(where).orderBy(desc(payments.receivedAt), desc(payments.id)).limit(perPage).offset((page - 1) * perPage),
    db.$count(payments, where),
  ]);
  const refunds = rows.length
    ? await db.select().from(paymentRefunds).where(and(eq(paymentRefunds.orgId, auth.orgId), inArray(paymentRefunds.paymentId, rows.map((r) => r.id))))
    : [];
  const numbers = await invoiceNumbers(db, auth.orgId, rows);
  return { rows: rows.map((r) => paymentView(r, refunds.filter((x) => x.paymentId === r.id), numbers.get(r.invoiceId ?? ""))), total };
}

async function invoiceNumbers(db: Db, orgId: string, rows: Payment[]) {
  const ids = [...new Set(rows.map((r) => r.invoiceId).filter((id): id is string => !!id))];
  const found = ids.length ? await db.select({ id: invoices.id, number: invoices.number }).from(invoices).where(and(eq(invoices.orgId, orgId), inArray(invoices.id, ids))) : [];
  return new Map(found.map((r) => [r.id, r.number]));
}

export function paymentView(row: Payment, refunds: (typeof paymentRefunds.$inferSelect)[], invoiceNumber: string | null | undefined) {
  return {
    ...publicPayment(row),
    invoiceNumber: invoiceNumber ?? null,
    refunds: refunds.map(({ orgId: _o, ...r }) => r).sort((a, b) => a.refundedAt - b.refundedAt),
  };
}
export type PaymentView = ReturnType<typeof paymentView>;

export async function requirePayment(db: Db, auth: AuthContext, id: string): Promise<Payment> {
  const row = await db.select().from(payments).where(and(eq(payments.orgId, auth.orgId), eq(payments.id, id))).get();
  if (!row) throw notFound("Payment");
  if (ownRecordsOnly(auth)) {
    const owner = row.invoiceId ? await db.select({ ownerId: invoices.ownerId }).from(invoices).where(and(eq(invoices.orgId, auth.orgId), eq(invoices.id, row.invoiceId))).get() : undefined;
    if (!owner || !canSeeRecord(auth, owner.ownerId)) throw notFound("Payment");
  }
  return row;
}

export async function getPayment(db: Db, auth: AuthContext, id: string): Promise<PaymentView> {
  const row = await requirePayment(db, auth, id);
  const refunds = await db.select().from(paymentRefunds).where(and(eq(paymentRefunds.orgId, auth.orgId), eq(paymentRefunds.paymentId, id)));
  return paymentView(row, refunds, (await invoiceNumbers(db, auth.orgId, [row])).get(row.invoiceId ?? ""));
}

async function orgTimeZone(db: Db, orgId: string) {
  const org = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)).get();
  return org?.settings.timeZone ?? "UTC";
}

/** The ledger statements after a change to `invoice`'s payments; the index of the paid transition in the batch is `offset + 1`. */
export async function settlementStatements(db: Db, invoice: Invoice, now: number, paidAt = now): Promise<BatchItem<"sqlite">[]> {
  const revenue = invoice.status === "paid" ? [] : await revenueRecognitionStatements(db, invoice.orgId, invoice.id, paidAt, await orgTimeZone(db, invoice.orgId));
  return [invoiceAmountsStatement(db, invoice.orgId, invoice.id, now), invoicePaidStatement(db, invoice.orgId, invoice.id, now, paidAt), ...revenue];
}

function assertPayable(invoice: Invoice, currency: string, amount: number) {
  if (invoice.kind !== "invoice" || !["open", "uncollectible"].includes(invoice.status)) throw conflict(`This ${invoice.kind} is ${invoice.status}: payments are recorded on open invoices`, { status: invoice.status });
  if (currency !== invoice.currency) throw invalid({ currency: [`The invoice is in ${invoice.currency}`] }, "The payment's currency must be the invoice's");
  if (amount > invoice.amountDue) throw invalid({ amount: [`At most ${formatMoney(invoice.amountDue, invoice.currency)} is due`] }, "The payment is more than is due");
}

/** Clocks and time zones differ: a transfer dated "today" somewhere may be a few hours ahead of the Worker. */
const RECEIVED_AHEAD_MS = 86_400_000;

export interface ManualPaymentInput {
  invoiceId: string;
  amount: number;
  currency: string;
  method: "bank_transfer" | "cash" | "check" | "other";
  receivedAt: number;
  reference?: string | null;
}

export async function recordManualPayment(env: Pick<Env, "DB" | "ORG_ROOM" | "JOBS">, db: Db, actor: Actor, input: ManualPaymentInput): Promise<PaymentView> {
  const invoice = await requireInvoice(db, actor, input.invoiceId, "invoice");
  assertPayable(invoice, input.currency, input.amount);
  const now = Date.now();
  if (input.receivedAt > now + RECEIVED_AHEAD_MS) throw invalid({ receivedAt: ["A payment cannot be received in the future"] });
  const id = newId();
  // Revenue without a service period is recognized in the month the money arrived, not the month it was recorded.
  const settle = await settlementStatements(db, invoice, now, input.receivedAt);
  const guard = sql`(SELECT amount_due FROM ${invoices} WHERE org_id = ${actor.orgId} AND id = ${invoice.id}) >= ${input.amount}`;
  // The insert re-checks what is due when the batch runs: two clerks recording the same transfer cannot both pass.
  const insert = db.insert(payments).select(
    sql`SELECT ${id}, ${actor.orgId}, ${invoice.id}, ${invoice.contactId}, ${invoice.companyId}, ${input.amount}, ${input.currency}, ${input.method}, 'succeeded', 0, NULL, NULL,
      NULL, NULL, NULL, NULL, NULL, ${input.reference ?? null}, 0, NULL, NULL, ${input.receivedAt}, ${actor.userId}, ${now}, ${now} WHERE ${guard}`,
  );
  const results = await db.batch([
    insert,
    auditStatement(db, actor.orgId, { actorId: actor.userId, action: "create", entity: "payment", entityId: id, changes: { invoiceId: invoice.id, amount: input.amount, currency: input.currency, method: input.method }, requestId: actor.requestId }),
    ...settle,
  ] as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  const row = await db.select().from(payments).where(and(eq(payments.orgId, actor.orgId), eq(payments.id, id))).get();
  if (!row) throw invalid({ amount: ["More than is due now: another payment was recorded meanwhile"] }, "The payment is more than is due");
  const becamePaid = Array.isArray(results[3]) && (results[3] as unknown[]).length > 0;
  await afterPaymentChange(env, db, { orgId: actor.orgId, paymentId: id, invoiceId: invoice.id, becamePaid, change: "partially_paid", received: true, by: actor.userId });
  return paymentView(row, [], invoice.number);
}

/** Attaches a parked payment to an open invoice of the same currency; it then counts toward that invoice. */
export async function assignPayment(env: Pick<Env, "DB" | "ORG_ROOM" | "JOBS">, db: Db, actor: Actor, id: string, invoiceId: string): Promise<PaymentView> {
  const payment = await requirePayment(db, actor, id);
  if (payment.invoiceId && !payment.needsReview) throw conflict("This payment already belongs to an invoice");
  const invoice = await requireInvoice(db, actor, invoiceId, "invoice");
  if (payment.invoiceId !== invoice.id) assertPayable(invoice, payment.currency, payment.amount);
  const now = Date.now();
  const settle = await settlementStatements(db, invoice, now);
  const previous = payment.invoiceId && payment.invoiceId !== invoice.id ? await db.select().from(invoices).where(and(eq(invoices.orgId, actor.orgId), eq(invoices.id, payment.invoiceId))).get() : undefined;
  const results = await db.batch([
    db
      .update(payments)
      .set({ invoiceId: invoice.id, contactId: invoice.contactId, companyId: invoice.companyId, needsReview: false, reviewNote: null, updatedAt: now })
      .where(and(eq(payments.orgId, actor.orgId), eq(payments.id, id), payment.invoiceId ? eq(payments.invoiceId, payment.invoiceId) : isNull(payments.invoiceId))),
    db.update(paymentRefunds).set({ invoiceId: invoice.id }).where(and(eq(paymentRefunds.orgId, actor.orgId), eq(paymentRefunds.paymentId, id))),
    auditStatement(db, actor.orgId, { actorId: actor.userId, action: "update", entity: "payment", entityId: id, changes: { invoiceId: [payment.invoiceId, invoice.id] }, requestId: actor.requestId }),
    ...settle,
    ...(previous ? [invoiceAmountsStatement(db, actor.orgId, previous.id, now)] : []),
  ] as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  const becamePaid = Array.isArray(results[4]) && (results[4] as unknown[]).length > 0;
  const collected = (COLLECTED as readonly string[]).includes(payment.status);
  await afterPaymentChange(env, db, { orgId: actor.orgId, paymentId: id, invoiceId: invoice.id, becamePaid, change: collected ? "partially_paid" : "updated", received: collected, by: actor.userId });
  return getPayment(db, actor, id);
}

export { paymentStatusStatement };
