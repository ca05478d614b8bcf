import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as schema from "../../../schema";
import { orgRoom } from "../../../worker/platform/room-rpc";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { auditActions, create, restrictToOwnRecords, testDb } from "../../record-helpers";

const lineRows = (orgId: string, dealId: string) =>
  testDb().select().from(schema.dealLineItems).where(and(eq(schema.dealLineItems.orgId, orgId), eq(schema.dealLineItems.dealId, dealId)));

async function dealWithProduct(label: string, currency = "EUR") {
  const owner = await registerAccount(label);
  const deal = await create("/api/deals", owner.token, { title: `${label} deal`, amount: 10, currency });
  const plan = await create("/api/financial/products", owner.token, { name: "Annual plan", description: "Hosted", unitPrice: 120000, currency, taxRateBps: 1900, defaultPeriodMonths: 12 });
  return { owner, deal, plan };
}

const put = (who: Account, dealId: string, body: unknown) => api(`/api/financial/deals/${dealId}/lines`, { method: "PUT", token: who.token, body });

describe("deal line items", () => {
  it("copies a product into a line, takes free-form lines, computes amounts and totals, and writes the subtotal to the deal through the room", async () => {
    const { owner, deal, plan } = await dealWithProduct("dl");
    const res = await put(owner, deal.id, {
      lines: [
        { productId: plan.id, quantity: 2, discountBps: 1000, periodStart: "2026-01-01", periodEnd: "2026-12-31" },
        { description: "Onboarding workshop", quantity: 1.5, unitPrice: 80000, taxRateBps: 700 },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data = res.body.data;
    expect(data.lines).toHaveLength(2);
    expect(data.lines[0]).toMatchObject({ position: 0, productId: plan.id, description: "Annual plan — Hosted", quantity: 2, unitPrice: 120000, taxRateBps: 1900, discountBps: 1000, gross: 240000, discountAmount: 24000, amount: 216000, taxAmount: 41040, periodStart: "2026-01-01", periodEnd: "2026-12-31", currency: "EUR" });
    expect(data.lines[1]).toMatchObject({ position: 1, productId: null, description: "Onboarding workshop", quantity: 1.5, unitPrice: 80000, gross: 120000, amount: 120000, taxAmount: 8400 });
    expect(data.totals).toEqual({ subtotal: 336000, discountTotal: 24000, tax: 49440, total: 385440 });
    expect(data.amountFollowsLines).toBe(true);
    expect(data.dealAmount).toBe(336000);

    const room = await orgRoom(env, owner.orgId);
    expect(await room.boardDeal(deal.id)).toMatchObject({ amount: 3360 });
    expect((await api(`/api/deals/${deal.id}`, { token: owner.token })).body.data.amount).toBe(3360);

    const got = await api(`/api/financial/deals/${deal.id}/lines`, { token: owner.token });
    expect(got.body.data).toEqual(data);
    expect(await auditActions(owner.token, "deal", deal.id)).toEqual(["update", "update_lines", "create"]);
  });

  it("lets a line override the product's price and tax, and replaces the whole list in order", async () => {
    const { owner, deal, plan } = await dealWithProduct("dlo");
    await put(owner, deal.id, { lines: [{ description: "First", quantity: 1, unitPrice: 100 }, { description: "Second", quantity: 1, unitPrice: 200 }] });
    const res = await put(owner, deal.id, { lines: [{ productId: plan.id, quantity: 1, unitPrice: 99000, taxRateBps: 0, description: "Discounted plan" }] });
    expect(res.body.data.lines).toEqual([expect.objectContaining({ description: "Discounted plan", unitPrice: 99000, taxRateBps: 0, amount: 99000 })]);
    expect(await lineRows(owner.orgId, deal.id)).toHaveLength(1);
    const cleared = await put(owner, deal.id, { lines: [] });
    expect(cleared.body.data.totals).toEqual({ subtotal: 0, discountTotal: 0, tax: 0, total: 0 });
    expect(await lineRows(owner.orgId, deal.id)).toEqual([]);
  });

  it("leaves the deal's amount alone when it does not follow the lines, and remembers that", async () => {
    const { owner, deal } = await dealWithProduct("dlf");
    const res = await put(owner, deal.id, { amountFollowsLines: false, lines: [{ description: "Work", quantity: 3, unitPrice: 5000 }] });
    expect(res.body.data).toMatchObject({ amountFollowsLines: false, dealAmount: 1000, totals: { subtotal: 15000 } });
    await put(owner, deal.id, { lines: [{ description: "Work", quantity: 4, unitPrice: 5000 }] });
    expect((await api(`/api/deals/${deal.id}`, { token: owner.token })).body.data.amount).toBe(10);
    const again = await put(owner, deal.id, { amountFollowsLines: true, lines: [{ description: "Work", quantity: 4, unitPrice: 5000 }] });
    expect(again.body.data.dealAmount).toBe(20000);
    expect((await api(`/api/deals/${deal.id}`, { token: owner.token })).body.data.amount).toBe(200);
  });

  it("rounds per the deal's currency: yen have no minor unit", async () => {
    const { owner, deal, plan } = await dealWithProduct("dly", "JPY");
    const res = await put(owner, deal.id, { lines: [{ productId: plan.id, quantity: 0.333, taxRateBps: 1000 }] });
    expect(res.body.data.lines[0]).toMatchObject({ gross: 39960, taxAmount: 3996 });
    expect((await api(`/api/deals/${deal.id}`, { token: owner.token })).body.data.amount).toBe(39960);
  });

  it("refuses bad lines with 400, reporting each, and writes nothing", async () => {
    const { owner, deal } = await dealWithProduct("dlbad");
    const usd = await create("/api/financial/products", owner.token, { name: "Dollar thing", unitPrice: 100, currency: "USD" });
    const other = await dealWithProduct("dlbad2");
    await put(owner, deal.id, { lines: [{ description: "Kept", quantity: 1, unitPrice: 100 }] });
    const before = await lineRows(owner.orgId, deal.id);
    const bad: unknown[] = [
      [{ productId: usd.id, quantity: 1 }],
      [{ description: "x", quantity: 1, unitPrice: 100, currency: "USD" }],
      [{ productId: other.plan.id, quantity: 1 }],
      [{ productId: "no-such-product", quantity: 1 }],
      [{ description: "x", quantity: 0, unitPrice: 100 }],
      [{ description: "x", quantity: -1, unitPrice: 100 }],
      [{ description: "x", quantity: 1.0001, unitPrice: 100 }],
      [{ description: "x", quantity: 1, unitPrice: -5 }],
      [{ description: "x", quantity: 1, unitPrice: 1.5 }],
      [{ description: "x", quantity: 1, unitPrice: 100, discountBps: 10_001 }],
      [{ description: "x", quantity: 1, unitPrice: 100, taxRateBps: -1 }],
      [{ description: "x", quantity: 1, unitPrice: 100, periodStart: "2026-02-30", periodEnd: "2026-03-01" }],
      [{ description: "x", quantity: 1, unitPrice: 100, periodStart: "2026-03-01", periodEnd: "2026-02-01" }],
      [{ description: "x", quantity: 1, unitPrice: 100, periodStart: "2026-03-01" }],
      [{ quantity: 1, unitPrice: 100 }],
      [{ description: "x", quantity: 1 }],
      [{ description: "x", quantity: 1_000_000, unitPrice: 1e15 }],
      [{ description: "x", quantity: 1, unitPrice: 100, orgId: owner.orgId }],
      Array.from({ length: 501 }, () => ({ description: "x", quantity: 1, unitPrice: 1 })),
      "not a list",
    ];
    for (const lines of bad) expectError(await put(owner, deal.id, { lines }), 400, "validation_error");
    const many = await put(owner, deal.id, { lines: [{ productId: usd.id, quantity: 1 }, { quantity: 1 }, { description: "ok", quantity: 1, unitPrice: 1 }] });
    expect(Object.keys(many.body.error.details).sort()).toEqual(["lines.0.productId", "lines.1.description", "lines.1.unitPrice"]);
    expectError(await put(owner, deal.id, { lines: [], extra: true }), 400, "validation_error");
    expect(await lineRows(owner.orgId, deal.id)).toEqual(before);
    expect((await api(`/api/deals/${deal.id}`, { token: owner.token })).body.data.amount).toBe(1);
  });

  it("stores 500 lines in one go", async () => {
    const { owner, deal } = await dealWithProduct("dlmany");
    const lines = Array.from({ length: 500 }, (_, i) => ({ description: `Line ${i}`, quantity: 1, unitPrice: i }));
    const res = await put(owner, deal.id, { lines });
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
    expect(res.body.data.totals.subtotal).toBe((499 * 500) / 2);
    const rows = await lineRows(owner.orgId, deal.id);
    expect(rows).toHaveLength(500);
    expect(res.body.data.lines.map((l: { description: string }) => l.description)).toEqual(lines.map((l) => l.description));
  });

  it("follows the deal's visibility: viewers read but get 403 on writes, other organizations 404, restricted agents see only their own deals", async () => {
    const { owner, deal } = await dealWithProduct("dlacc");
    await put(owner, deal.id, { lines: [{ description: "Kept", quantity: 1, unitPrice: 100 }] });
    const before = await lineRows(owner.orgId, deal.id);
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    expect((await api(`/api/financial/deals/${deal.id}/lines`, { token: viewer.token })).body.data.lines).toHaveLength(1);
    expectError(await put(viewer, deal.id, { lines: [] }), 403, "forbidden");

    const stranger = await registerAccount("dlacc2");
    expectError(await api(`/api/financial/deals/${deal.id}/lines`, { token: stranger.token }), 404, "not_found");
    expectError(await put(stranger, deal.id, { lines: [] }), 404, "not_found");

    await restrictToOwnRecords(owner);
    expectError(await api(`/api/financial/deals/${deal.id}/lines`, { token: agent.token }), 404, "not_found");
    expectError(await put(agent, deal.id, { lines: [] }), 404, "not_found");
    const own = await create("/api/deals", agent.token, { title: "Agent's deal", currency: "EUR" });
    const mine = await put(agent, own.id, { lines: [{ description: "Agent's line", quantity: 2, unitPrice: 500 }] });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.data.dealAmount).toBe(1000);

    expect(await lineRows(owner.orgId, deal.id)).toEqual(before);
    expect((await api(`/api/deals/${deal.id}`, { token: owner.token })).body.data.amount).toBe(1);
    expectError(await api(`/api/financial/deals/${deal.id}/lines`), 401, "unauthorized");
  });
});
