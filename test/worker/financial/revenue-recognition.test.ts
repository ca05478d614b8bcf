import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../../schema";
import { revenueRecognitionStatements } from "../../../worker/financial/revenue/revenue-recognition";
import { registerAccount } from "../../helpers";
import { testDb } from "../../record-helpers";
import { insertInvoice } from "./revenue-fixture";

async function entriesOf(orgId: string, invoiceId: string) {
  return testDb()
    .select({ line: schema.revenueEntries.invoiceLineId, period: schema.revenueEntries.period, amount: schema.revenueEntries.amount, currency: schema.revenueEntries.currency, ownerId: schema.revenueEntries.ownerId })
    .from(schema.revenueEntries)
    .where(and(eq(schema.revenueEntries.orgId, orgId), eq(schema.revenueEntries.invoiceId, invoiceId)))
    .orderBy(asc(schema.revenueEntries.period), asc(schema.revenueEntries.amount));
}

async function run(orgId: string, invoiceId: string, paidAt: number, timeZone: string) {
  const db = testDb();
  const stmts = await revenueRecognitionStatements(db, orgId, invoiceId, paidAt, timeZone);
  if (stmts.length) await db.batch(stmts as [(typeof stmts)[0], ...typeof stmts]);
  return stmts.length;
}

describe("revenue recognition", () => {
  it("writes each paid line net of discount and before tax, spread over its service period", async () => {
    const owner = await registerAccount("rev-rec");
    const invoice = await insertInvoice(owner.orgId, { status: "paid", currency: "EUR", ownerId: owner.userId }, [
      { unitPrice: 10_000, quantity: 2, discountBps: 1_000, taxRateBps: 1_900 },
      { unitPrice: 120_000, periodStart: "2026-01-01", periodEnd: "2026-12-31", taxRateBps: 1_900 },
    ]);
    await run(owner.orgId, invoice.id, Date.UTC(2026, 2, 10, 12), "UTC");
    const rows = await entriesOf(owner.orgId, invoice.id);
    expect(rows).toHaveLength(13);
    const oneOff = rows.filter((r) => r.line === invoice.lines[0]!.id);
    expect(oneOff).toEqual([{ line: invoice.lines[0]!.id, period: "2026-03", amount: 18_000, currency: "EUR", ownerId: owner.userId }]);
    const spread = rows.filter((r) => r.line === invoice.lines[1]!.id);
    expect(spread.map((r) => r.amount)).toEqual(Array(12).fill(10_000));
  });

  it("is idempotent: the statements run twice leave the same rows", async () => {
    const owner = await registerAccount("rev-idem");
    const invoice = await insertInvoice(owner.orgId, { status: "paid" }, [{ unitPrice: 1_001, periodStart: "2026-01-01", periodEnd: "2026-03-31" }]);
    const paidAt = Date.UTC(2026, 0, 5);
    await run(owner.orgId, invoice.id, paidAt, "UTC");
    const first = await entriesOf(owner.orgId, invoice.id);
    await run(owner.orgId, invoice.id, paidAt, "UTC");
    await run(owner.orgId, invoice.id, paidAt + 86_400_000, "UTC");
    expect(await entriesOf(owner.orgId, invoice.id)).toEqual(first);
    expect(first.map((r) => r.amount)).toEqual([334, 334, 333]);
  });

  it("writes nothing while the invoice is not paid", async () => {
    const owner = await registerAccount("rev-unpaid");
    for (const status of ["open", "draft", "void"] as const) {
      const invoice = await insertInvoice(owner.orgId, { status }, [{ unitPrice: 5_000 }]);
      expect(await run(owner.orgId, invoice.id, Date.now(), "UTC")).toBe(1);
      expect(await entriesOf(owner.orgId, invoice.id)).toEqual([]);
    }
  });

  it("writes nothing for another organization's invoice", async () => {
    const owner = await registerAccount("rev-own");
    const other = await registerAccount("rev-other");
    const invoice = await insertInvoice(other.orgId, { status: "paid" }, [{ unitPrice: 5_000 }]);
    expect(await run(owner.orgId, invoice.id, Date.now(), "UTC")).toBe(0);
    expect(await entriesOf(other.orgId, invoice.id)).toEqual([]);
  });

  it("puts the month paid in the organization's time zone", async () => {
    const owner = await registerAccount("rev-tz");
    const paidAt = Date.UTC(2026, 0, 31, 23, 30);
    const inTokyo = await insertInvoice(owner.orgId, { status: "paid", currency: "JPY" }, [{ unitPrice: 10_000 }]);
    await run(owner.orgId, inTokyo.id, paidAt, "Asia/Tokyo");
    expect((await entriesOf(owner.orgId, inTokyo.id)).map((r) => r.period)).toEqual(["2026-02"]);
    const inNewYork = await insertInvoice(owner.orgId, { status: "paid" }, [{ unitPrice: 10_000 }]);
    await run(owner.orgId, inNewYork.id, paidAt, "America/New_York");
    expect((await entriesOf(owner.orgId, inNewYork.id)).map((r) => r.period)).toEqual(["2026-01"]);
  });
});
