import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { newId } from "../../platform/ids";
import { dealLineItems, products, type InvoiceLine } from "../../../schema";
import { documentTotals, type DocumentTotals } from "../money";
import { resolveLines, type LineInput } from "../catalog/line-input";

/**
 * A document's lines as stored: settled against the catalog like a deal's
 * (catalog/line-input.ts), each with its own id, and the document's totals.
 */

export type PricedLine = Omit<InvoiceLine, "orgId" | "invoiceId">;

export async function priceLines(db: Db, orgId: string, currency: string, input: readonly LineInput[]): Promise<{ lines: PricedLine[]; totals: DocumentTotals }> {
  const lines = (await resolveLines(db, orgId, currency, input)).map(({ gross: _gross, ...line }) => ({ id: newId(), ...line }));
  return { lines, totals: documentTotals(lines) };
}

/** A deal's line items as line inputs, in their order; a product deleted since is no longer referenced. */
export async function dealLinesAsInput(db: Db, orgId: string, dealId: string): Promise<LineInput[]> {
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
