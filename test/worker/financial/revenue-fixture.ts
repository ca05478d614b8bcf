import { exports } from "cloudflare:workers";
import * as schema from "../../../schema";
import { lineAmounts, documentTotals } from "../../../worker/financial/money";
import { newId } from "../../../worker/platform/ids";
import { BASE } from "../../helpers";
import { testDb } from "../../record-helpers";

/**
 * Invoices, payments and refunds written straight into their tables, so the
 * revenue, aging and reconciliation tests state their own hand-computed
 * fixtures without going through the invoice and payment routes.
 */

export interface FixtureLine {
  description?: string;
  quantity?: number;
  unitPrice: number;
  discountBps?: number;
  taxRateBps?: number;
  productId?: string | null;
  periodStart?: string | null;
  periodEnd?: string | null;
}

export async function insertInvoice(
  orgId: string,
  fields: Partial<typeof schema.invoices.$inferInsert> & { currency?: string },
  lines: FixtureLine[] = [],
) {
  const now = Date.now();
  const inputs = lines.map((l) => ({ quantity: l.quantity ?? 1, unitPrice: l.unitPrice, discountBps: l.discountBps ?? 0, taxRateBps: l.taxRateBps ?? 0 }));
  const totals = documentTotals(inputs);
  const amountPaid = fields.amountPaid ?? (fields.status === "paid" ? totals.total : 0);
  const invoice: typeof schema.invoices.$inferInsert = {
    id: newId(),
    orgId,
    kind: "invoice",
    status: "open",
    currency: "USD",
    subtotal: totals.subtotal,
    discountTotal: totals.discountTotal,
    tax: totals.tax,
    total: totals.total,
    amountPaid,
    amountDue: totals.total - amountPaid,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
  const db = testDb();
  await db.insert(schema.invoices).values(invoice);
  const lineRows = lines.map((l, i) => {
    const input = inputs[i]!;
    const a = lineAmounts(input);
    return {
      id: newId(),
      orgId,
      invoiceId: invoice.id!,
      position: i,
      productId: l.productId ?? null,
      description: l.description ?? `Line ${i + 1}`,
      quantity: input.quantity,
      unitPrice: l.unitPrice,
      discountBps: input.discountBps,
      taxRateBps: input.taxRateBps,
      periodStart: l.periodStart ?? null,
      periodEnd: l.periodEnd ?? null,
      amount: a.amount,
      discountAmount: a.discountAmount,
      taxAmount: a.taxAmount,
    };
  });
  if (lineRows.length) await db.insert(schema.invoiceLines).values(lineRows);
  return { ...invoice, id: invoice.id!, lines: lineRows };
}

export async function insertPayment(orgId: string, fields: Partial<typeof schema.payments.$inferInsert> & { amount: number; receivedAt: number }) {
  const now = Date.now();
  const row: typeof schema.payments.$inferInsert = {
    id: newId(),
    orgId,
    currency: "USD",
    method: "bank_transfer",
    status: "succeeded",
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
  await testDb().insert(schema.payments).values(row);
  return { ...row, id: row.id! };
}

export async function insertRefund(orgId: string, fields: Partial<typeof schema.paymentRefunds.$inferInsert> & { paymentId: string; amount: number; refundedAt: number }) {
  const row: typeof schema.paymentRefunds.$inferInsert = { id: newId(), orgId, currency: "USD", createdAt: Date.now(), ...fields };
  await testDb().insert(schema.paymentRefunds).values(row);
  return { ...row, id: row.id! };
}

export async function insertProduct(orgId: string, fields: Partial<typeof schema.products.$inferInsert> & { name: string }) {
  const now = Date.now();
  const row: typeof schema.products.$inferInsert = { id: newId(), orgId, unitPrice: 1000, currency: "USD", createdAt: now, updatedAt: now, ...fields };
  await testDb().insert(schema.products).values(row);
  return { ...row, id: row.id! };
}

/** A CSV download as the browser gets it: the text with its byte-order mark kept. */
export async function download(path: string, token: string) {
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, { headers: { authorization: `Bearer ${token}` } }));
  const bytes = new Uint8Array(await res.arrayBuffer());
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const text = (bom ? "\uFEFF" : "") + new TextDecoder().decode(bytes);
  return { status: res.status, headers: res.headers, text };
}
