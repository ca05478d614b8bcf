/**
 * Recognized revenue of a paid invoice, as statements the caller adds to the
 * very D1 batch that marks the invoice paid (after that statement). They are
 * guarded twice, so adding them to any payment's batch is safe: rows are
 * written only if the invoice is `paid` when the batch runs, and a line's
 * month that already has its entry is left alone (unique per line and month).
 * Replaying a payment, or recording a second one on a paid invoice, changes
 * nothing.
 *
 * Refunds do not reverse recognized revenue: the revenue report shows them
 * separately (cash collected, refunds, net), as the issue asks.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { invoiceLines, revenueEntries } from "../../../schema";
import type { Db } from "../../platform/db";
import { newId } from "../../platform/ids";
import { localParts } from "../../platform/local-time";
import { spreadRevenue } from "./revenue-spreading";

/** "YYYY-MM" of an instant in a time zone. */
export function monthOf(instant: number, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${String(p.year).padStart(4, "0")}-${String(p.month).padStart(2, "0")}`;
}

/**
 * The guarded inserts of an invoice's revenue entries: each line's amount
 * after discount and before tax, in the month `paidAt` falls in (in
 * `timeZone`) or spread over its service period. Company, owner and currency
 * are read from the invoice when the batch runs. Empty when nothing is to be
 * recognized (no lines, or only zero lines).
 */
export async function revenueRecognitionStatements(
  db: Db,
  orgId: string,
  invoiceId: string,
  paidAt: number,
  timeZone: string,
): Promise<BatchItem<"sqlite">[]> {
  const lines = await db
    .select({ id: invoiceLines.id, productId: invoiceLines.productId, amount: invoiceLines.amount, periodStart: invoiceLines.periodStart, periodEnd: invoiceLines.periodEnd })
    .from(invoiceLines)
    .where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, invoiceId)))
    .orderBy(asc(invoiceLines.position));
  const paidMonth = monthOf(paidAt, timeZone);
  const rows = lines.flatMap((line) => spreadRevenue(line, paidMonth).map((share) => [newId(), line.id, line.productId, share.period, share.amount]));
  if (rows.length === 0) return [];
  const now = Date.now();
  // One statement whatever the number of lines and months: the rows travel as one JSON parameter.
  const field = (i: number) => sql.raw(`json_extract(e.value, '$[${i}]')`);
  return [
    db
      .insert(revenueEntries)
      .select(
        sql`SELECT ${field(0)}, ${orgId}, ${invoiceId}, ${field(1)}, ${field(2)}, i.company_id, i.owner_id, i.currency, ${field(3)}, ${field(4)}, ${now}
          FROM json_each(${JSON.stringify(rows)}) e JOIN invoices i ON i.id = ${invoiceId} AND i.org_id = ${orgId}
          WHERE i.status = 'paid'`,
      )
      .onConflictDoNothing({ target: [revenueEntries.orgId, revenueEntries.invoiceLineId, revenueEntries.period] }),
  ];
}
