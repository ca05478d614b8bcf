import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { dealLineItems, products, type InvoiceLine } from "../../../schema";
import { documentTotals, lineAmounts, type DocumentTotals } from "../money";
import type { LineInputBody } from "./invoice-schemas";

/**
 * A document's lines as stored: each input line completed from its catalog
 * product (name, price, tax rate) where it leaves them out, then priced with
 * money.ts. The totals are computed here and nowhere else on the server.
 */

export type PricedLine = Omit<InvoiceLine, "orgId" | "invoiceId">;

export async function priceLines(db: Db, orgId: string, currency: string, input: readonly LineInputBody[]): Promise<{ lines: PricedLine[]; totals: DocumentTotals }> {
  const productIds = [...new Set(input.map((l) => l.productId).filter((id): id is string => !!id))];
  const catalog = productIds.length
    ? await db.select().from(products).where(and(eq(products.orgId, orgId), inArray(products.id, productIds)))
    : [];
  const byId = new Map(catalog.map((p) => [p.id, p]));
  const errors: Record<string, string[]> = {};
  const lines: PricedLine[] = input.map((line, i) => {
    const product = line.productId ? byId.get(line.productId) : undefined;
    const at = `lines.${i}`;
    if (line.productId && !product) errors[`${at}.productId`] = ["No such product in this organization"];
    if (line.unitPrice === undefined && product && product.currency !== currency) {
      errors[`${at}.unitPrice`] = [`The product is priced in ${product.currency}; give a price in ${currency}`];
    }
    const description = line.description ?? product?.name;
    const unitPrice = line.unitPrice ?? (product?.currency === currency ? product.unitPrice : undefined);
    if (!description) errors[`${at}.description`] = ["Required without a product"];
    if (unitPrice === undefined && !line.productId) errors[`${at}.unitPrice`] = ["Required without a product"];
    const periodStart = line.periodStart ?? null;
    const periodEnd = line.periodEnd ?? null;
    if ((periodStart === null) !== (periodEnd === null)) errors[`${at}.periodEnd`] = ["Give both ends of the service period, or neither"];
    else if (periodStart && periodEnd && periodEnd < periodStart) errors[`${at}.periodEnd`] = ["The period ends before it starts"];
    const priced = {
      quantity: line.quantity,
      unitPrice: unitPrice ?? 0,
      discountBps: line.discountBps ?? 0,
      taxRateBps: line.taxRateBps ?? product?.taxRateBps ?? 0,
    };
    const amounts = lineAmounts(priced);
    return {
      id: newId(),
      position: i,
      productId: line.productId ?? null,
      description: description ?? "",
      ...priced,
      periodStart,
      periodEnd,
      amount: amounts.amount,
      discountAmount: amounts.discountAmount,
      taxAmount: amounts.taxAmount,
    };
  });
  if (Object.keys(errors).length) throw invalid(errors);
  return { lines, totals: documentTotals(lines) };
}

/** A deal's line items as line inputs, in their order; a product deleted since is no longer referenced. */
export async function dealLinesAsInput(db: Db, orgId: string, dealId: string): Promise<LineInputBody[]> {
  const rows = await db
    .select({ line: dealLineItems, productId: products.id })
    .from(dealLineItems)
    .leftJoin(products, and(eq(products.orgId, dealLineItems.orgId), eq(products.id, dealLineItems.productId)))
    .where(and(eq(dealLineItems.orgId, orgId), eq(dealLineItems.dealId, dealId)))
    .orderBy(asc(dealLineItems.position));
  return rows.map(({ line: r, productId }) => ({
    productId,
    description: r.description,
    quantity: r.quantity,
    unitPrice: r.unitPrice,
    discountBps: r.discountBps,
    taxRateBps: r.taxRateBps,
    periodStart: r.periodStart,
    periodEnd: r.periodEnd,
  }));
}
