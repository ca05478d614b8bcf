import { z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import { products, type Product } from "../../../schema";
import type { Db } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { lineAmounts, type LineAmounts } from "../money";

/** Lines a deal, quote or invoice may hold; a PDF of 500 lines is 15 pages, and every batch stays small. */
export const MAX_LINES = 500;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD").openapi({ example: "2026-01-01" });

/**
 * One line as a client sends it. With `productId`, the product's name,
 * description, price and tax rate are copied and any field sent here
 * overrides them; without, it is a free-form line and needs a description
 * and a unit price.
 */
export const LineInputSchema = z
  .object({
    productId: z.string().min(1).max(64).nullable().optional(),
    description: z.string().trim().min(1).max(1000).optional(),
    quantity: z.number().positive().max(1_000_000).openapi({ description: "More than 0, at most 3 decimals" }),
    unitPrice: z.number().int().min(0).max(1e15).optional().openapi({ description: "In the currency's minor unit; the product's when omitted" }),
    discountBps: z.number().int().min(0).max(10_000).optional().openapi({ description: "Basis points off the line (1000 = 10%)" }),
    taxRateBps: z.number().int().min(0).max(10_000).optional().openapi({ description: "Basis points (1900 = 19%); the product's when omitted, else 0" }),
    currency: z.string().regex(/^[A-Z]{3}$/).optional().openapi({ description: "Must be the document's currency when sent" }),
    periodStart: Day.nullable().optional(),
    periodEnd: Day.nullable().optional(),
  })
  .strict()
  .openapi("LineInput");
export type LineInput = z.infer<typeof LineInputSchema>;

/** A line ready to store: every field settled, amounts computed. */
export interface ResolvedLine extends LineAmounts {
  position: number;
  productId: string | null;
  description: string;
  quantity: number;
  unitPrice: number;
  discountBps: number;
  taxRateBps: number;
  periodStart: string | null;
  periodEnd: string | null;
}

const isDay = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
};

async function productsById(db: Db, orgId: string, ids: string[]) {
  const found = new Map<string, Product>();
  for (let i = 0; i < ids.length; i += 90) {
    const rows = await db.select().from(products).where(and(eq(products.orgId, orgId), inArray(products.id, ids.slice(i, i + 90))));
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

/**
 * Settles each line against the catalog and the document's currency; every
 * problem is reported at once, keyed `lines.N.field`, and nothing is stored
 * when there is any.
 */
export async function resolveLines(db: Db, orgId: string, currency: string, inputs: readonly LineInput[]): Promise<ResolvedLine[]> {
  const problems: Record<string, string[]> = {};
  const flag = (i: number, field: string, message: string) => (problems[`lines.${i}.${field}`] ??= []).push(message);
  if (inputs.length > MAX_LINES) throw invalid({ lines: [`At most ${MAX_LINES} lines`] });
  const catalog = await productsById(db, orgId, [...new Set(inputs.flatMap((l) => (l.productId ? [l.productId] : [])))]);
  const lines = inputs.map((input, i): ResolvedLine => {
    const product = input.productId ? catalog.get(input.productId) : undefined;
    if (input.productId && !product) flag(i, "productId", "No such product in this organization");
    if (product && product.currency !== currency) flag(i, "productId", `The product is priced in ${product.currency}, the document in ${currency}`);
    if (input.currency !== undefined && input.currency !== currency) flag(i, "currency", `Lines must be in the document's currency (${currency})`);
    if (Math.abs(input.quantity * 1000 - Math.round(input.quantity * 1000)) > 1e-6) flag(i, "quantity", "At most 3 decimals");
    const description = input.description ?? (product ? [product.name, product.description].filter(Boolean).join(" — ") : undefined);
    const unitPrice = input.unitPrice ?? product?.unitPrice;
    if (!input.productId && description === undefined) flag(i, "description", "A free-form line needs a description");
    if (!input.productId && unitPrice === undefined) flag(i, "unitPrice", "A free-form line needs a unit price");
    const periodStart = input.periodStart ?? null;
    const periodEnd = input.periodEnd ?? null;
    if (periodStart !== null && !isDay(periodStart)) flag(i, "periodStart", "Not a calendar date");
    if (periodEnd !== null && !isDay(periodEnd)) flag(i, "periodEnd", "Not a calendar date");
    if ((periodStart === null) !== (periodEnd === null)) flag(i, periodStart === null ? "periodStart" : "periodEnd", "A service period needs both a start and an end");
    else if (periodStart !== null && periodEnd !== null && periodStart > periodEnd) flag(i, "periodEnd", "The period ends before it starts");
    const settled = {
      position: i,
      productId: input.productId ?? null,
      description: (description ?? "").slice(0, 1000),
      quantity: Math.round(input.quantity * 1000) / 1000,
      unitPrice: unitPrice ?? 0,
      discountBps: input.discountBps ?? 0,
      taxRateBps: input.taxRateBps ?? product?.taxRateBps ?? 0,
      periodStart,
      periodEnd,
    };
    const amounts = lineAmounts(settled);
    if (!Number.isSafeInteger(amounts.gross + amounts.taxAmount)) flag(i, "unitPrice", "The line's amount is too large");
    return { ...settled, ...amounts };
  });
  const sum = lines.reduce((s, l) => s + l.amount + l.taxAmount, 0);
  if (!Number.isSafeInteger(sum)) problems.lines = ["The document's total is too large"];
  if (Object.keys(problems).length) throw invalid(problems);
  return lines;
}
