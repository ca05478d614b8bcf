import { and, asc, eq } from "drizzle-orm";
import { dealBilling, dealLineItems, type DealLineItem } from "../../../schema";
import type { AuthContext, Env } from "../../platform/env";
import { orgDb, type Db } from "../../platform/db";
import { auditStatement } from "../../platform/audit-writer";
import { newId } from "../../platform/ids";
import { getDeal, updateDeal } from "../../crm";
import { documentTotals, lineAmounts, toMajor, toMinor } from "../money";
import { resolveLines, type LineInput } from "../catalog/line-input";

/** 14 columns a row: 6 rows keep one insert under D1's 100 bound parameters. */
const ROWS_PER_INSERT = 6;

export type DealLineView = Omit<DealLineItem, "orgId" | "dealId" | "updatedAt"> & ReturnType<typeof lineAmounts>;

/** The deal's lines in order; for the deal page and for drafting a quote or invoice from the deal. */
export async function listDealLines(db: Db, orgId: string, dealId: string): Promise<DealLineItem[]> {
  return db.select().from(dealLineItems).where(and(eq(dealLineItems.orgId, orgId), eq(dealLineItems.dealId, dealId))).orderBy(asc(dealLineItems.position));
}

async function followsLines(db: Db, orgId: string, dealId: string): Promise<boolean> {
  const row = await db.select({ follows: dealBilling.amountFollowsLines }).from(dealBilling).where(and(eq(dealBilling.orgId, orgId), eq(dealBilling.dealId, dealId))).get();
  return row?.follows ?? true;
}

function answer(deal: { id: string; currency: string; amount: number }, rows: DealLineItem[], amountFollowsLines: boolean) {
  const lines: DealLineView[] = rows.map(({ orgId: _o, dealId: _d, updatedAt: _u, ...line }) => ({ ...line, ...lineAmounts(line) }));
  // Lines left from before the deal changed currency are shown but not summed into another currency.
  const totals = documentTotals(lines.filter((l) => l.currency === deal.currency));
  return { dealId: deal.id, currency: deal.currency, dealAmount: toMinor(deal.amount, deal.currency), amountFollowsLines, lines, totals };
}

export async function getDealLines(env: Env, auth: AuthContext, dealId: string) {
  const db = orgDb(env, auth.orgId);
  const deal = await getDeal(db, auth, dealId);
  const [rows, follows] = await Promise.all([listDealLines(db, auth.orgId, dealId), followsLines(db, auth.orgId, dealId)]);
  return answer(deal, rows, follows);
}

/**
 * Replaces the deal's lines in one batch (with the setting and the audit
 * row). When the amount follows the lines, the subtotal before tax then
 * becomes the deal's amount through the deal's own update path, the
 * organization room, so open boards show it at once.
 */
export async function replaceDealLines(env: Env, auth: AuthContext, dealId: string, input: { lines: LineInput[]; amountFollowsLines?: boolean }, requestId?: string) {
  const db = orgDb(env, auth.orgId);
  let deal = await getDeal(db, auth, dealId);
  const lines = await resolveLines(db, auth.orgId, deal.currency, input.lines);
  const follows = input.amountFollowsLines ?? (await followsLines(db, auth.orgId, dealId));
  const now = Date.now();
  const rows: DealLineItem[] = lines.map(({ gross: _g, amount: _a, discountAmount: _d, taxAmount: _t, ...line }) => ({ ...line, id: newId(), orgId: auth.orgId, dealId, currency: deal.currency, updatedAt: now }));
  const inserts = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) inserts.push(db.insert(dealLineItems).values(rows.slice(i, i + ROWS_PER_INSERT)));
  const totals = documentTotals(lines);
  await db.batch([
    db.delete(dealLineItems).where(and(eq(dealLineItems.orgId, auth.orgId), eq(dealLineItems.dealId, dealId))),
    ...inserts,
    db
      .insert(dealBilling)
      .values({ orgId: auth.orgId, dealId, amountFollowsLines: follows, updatedAt: now })
      .onConflictDoUpdate({ target: [dealBilling.orgId, dealBilling.dealId], set: { amountFollowsLines: follows, updatedAt: now } }),
    auditStatement(db, auth.orgId, {
      actorId: auth.userId, action: "update_lines", entity: "deal", entityId: dealId,
      changes: { lines: rows.length, subtotal: totals.subtotal, tax: totals.tax, currency: deal.currency, amountFollowsLines: follows }, requestId,
    }),
  ]);
  const amount = toMajor(totals.subtotal, deal.currency);
  if (follows && amount !== deal.amount) deal = await updateDeal(env, auth, dealId, { amount }, requestId);
  return answer(deal, rows, follows);
}
