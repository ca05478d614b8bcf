import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { invoices, payments, paymentRefunds } from "../../../schema";

/**
 * The statements that keep payments and invoices consistent, added to the
 * same D1 batch as the change that moves money (a webhook's upsert, a manual
 * payment, a refund). Everything is recomputed from the rows, never
 * incremented, so applying a change twice or in another order ends in the
 * same state:
 *
 * - a payment's refunded amount is the sum of its refund rows; its status is
 *   disputed > refunded > partially refunded > succeeded once it succeeded
 *   (pending and failed stay until a success arrives);
 * - an invoice's amountPaid is the sum of its collected payments in its own
 *   currency (another currency never counts), amountDue what remains;
 * - an open invoice becomes paid in a separate guarded statement whose
 *   RETURNING row tells the caller that this batch, and no other, paid it.
 */

/** Payments whose money arrived (a refund or a dispute does not undo that it was collected). */
export const COLLECTED = ["succeeded", "partially_refunded", "refunded", "disputed"] as const;
const collectedList = sql.raw(COLLECTED.map((s) => `'${s}'`).join(", "));

/** Recomputes refunded amount and status of the payments `where` selects. */
export function paymentStatusStatement(db: Db, where: SQL) {
  const refunded = sql`(SELECT COALESCE(SUM(r.amount), 0) FROM ${paymentRefunds} r WHERE r.org_id = ${payments.orgId} AND r.payment_id = ${payments.id})`;
  return db
    .update(payments)
    .set({
      amountRefunded: refunded,
      status: sql`CASE
        WHEN ${payments.status} IN ('pending', 'failed') THEN ${payments.status}
        WHEN ${payments.disputedAt} IS NOT NULL THEN 'disputed'
        WHEN ${refunded} >= ${payments.amount} THEN 'refunded'
        WHEN ${refunded} > 0 THEN 'partially_refunded'
        ELSE 'succeeded' END`,
    })
    .where(where);
}

/** Recomputes amountPaid, amountRefunded and amountDue of an issued invoice from its payments. */
export function invoiceAmountsStatement(db: Db, orgId: string, invoiceId: string, now: number) {
  const ofInvoice = sql`p.org_id = ${invoices.orgId} AND p.invoice_id = ${invoices.id} AND p.currency = ${invoices.currency} AND p.status IN (${collectedList})`;
  const paid = sql`(SELECT COALESCE(SUM(p.amount), 0) FROM ${payments} p WHERE ${ofInvoice})`;
  return db
    .update(invoices)
    .set({
      amountPaid: paid,
      amountRefunded: sql`(SELECT COALESCE(SUM(p.amount_refunded), 0) FROM ${payments} p WHERE ${ofInvoice})`,
      amountDue: sql`MAX(0, ${invoices.total} - ${paid})`,
      updatedAt: sql`MAX(${invoices.updatedAt}, ${now})`,
    })
    .where(and(eq(invoices.orgId, orgId), eq(invoices.id, invoiceId), eq(invoices.kind, "invoice"), inArray(invoices.status, ["open", "paid", "uncollectible"])));
}

/** Open (or written-off) → paid once covered; returns the invoice's id only from the batch that paid it. */
/** `paidAt` is when the covering money arrived: a bank transfer recorded today may have landed last week. */
export function invoicePaidStatement(db: Db, orgId: string, invoiceId: string, now: number, paidAt = now) {
  return db
    .update(invoices)
    .set({ status: "paid", paidAt, updatedAt: sql`MAX(${invoices.updatedAt}, ${now})` })
    .where(
      and(
        eq(invoices.orgId, orgId),
        eq(invoices.id, invoiceId),
        eq(invoices.kind, "invoice"),
        inArray(invoices.status, ["open", "uncollectible"]),
        sql`${invoices.amountPaid} >= ${invoices.total}`,
      ),
    )
    .returning({ id: invoices.id });
}
