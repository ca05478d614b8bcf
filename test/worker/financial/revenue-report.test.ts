import { describe, expect, it } from "vitest";
import { revenueRecognitionStatements } from "../../../worker/financial/revenue/revenue-recognition";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { restrictToOwnRecords, testDb } from "../../record-helpers";
import { download, insertInvoice, insertPayment, insertProduct, insertRefund } from "./revenue-fixture";

async function recognize(orgId: string, invoiceId: string, paidAt: number, timeZone: string) {
  const db = testDb();
  const stmts = await revenueRecognitionStatements(db, orgId, invoiceId, paidAt, timeZone);
  await db.batch(stmts as [(typeof stmts)[0], ...typeof stmts]);
}

async function tokyoOrg(label: string): Promise<Account> {
  const owner = await registerAccount(label);
  const res = await api("/api/organizations/current", { method: "PATCH", token: owner.token, body: { settings: { timeZone: "Asia/Tokyo" } } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return owner;
}

/**
 * Hand-computed fixture in Asia/Tokyo (UTC+9, no DST), all in 2025:
 * USD: a 1,200.00 annual subscription (Jan–Dec, owner's, paid Feb 1 Tokyo) → 100.00 recognized each month;
 *   payments: 20.00 (later refunded) on Jan 15; 100.00 at 2025-01-31 20:00 UTC (Feb 1 in Tokyo);
 *   50.00 at 2025-03-31 14:59:59 UTC (still Mar 31 in Tokyo); 70.00 at 2025-03-31 15:00 UTC (Apr 1 in Tokyo);
 *   a pending 99.99 and a failed 88.88 in February (not collected); a 5.00 refund on Mar 1 Tokyo.
 * EUR: a 30.00 one-off invoice of the agent's, paid (and recognized) on Feb 10.
 */
async function revenueFixture(label: string) {
  const owner = await tokyoOrg(label);
  const agent = await addMember(owner, "agent", `${label}-agent`);
  const company = await api("/api/companies", { token: owner.token, body: { name: "Initech" } });
  expect(company.status, JSON.stringify(company.body)).toBe(201);
  const product = await insertProduct(owner.orgId, { name: "Annual plan", unitPrice: 120_000, defaultPeriodMonths: 12 });
  const sub = await insertInvoice(owner.orgId, { status: "paid", ownerId: owner.userId, companyId: company.body.data.id }, [
    { unitPrice: 120_000, productId: product.id, periodStart: "2025-01-01", periodEnd: "2025-12-31", taxRateBps: 2_000 },
  ]);
  await recognize(owner.orgId, sub.id, Date.UTC(2025, 0, 31, 20), "Asia/Tokyo");
  const eur = await insertInvoice(owner.orgId, { status: "paid", currency: "EUR", ownerId: agent.userId }, [{ unitPrice: 3_000 }]);
  await recognize(owner.orgId, eur.id, Date.UTC(2025, 1, 10), "Asia/Tokyo");

  await insertPayment(owner.orgId, { invoiceId: sub.id, amount: 2_000, status: "refunded", receivedAt: Date.UTC(2025, 0, 15) });
  const feb = await insertPayment(owner.orgId, { invoiceId: sub.id, amount: 10_000, receivedAt: Date.UTC(2025, 0, 31, 20) });
  await insertPayment(owner.orgId, { invoiceId: sub.id, amount: 5_000, receivedAt: Date.UTC(2025, 2, 31, 14, 59, 59) });
  await insertPayment(owner.orgId, { invoiceId: sub.id, amount: 7_000, receivedAt: Date.UTC(2025, 2, 31, 15) });
  await insertPayment(owner.orgId, { invoiceId: sub.id, amount: 9_999, status: "pending", receivedAt: Date.UTC(2025, 1, 5) });
  await insertPayment(owner.orgId, { invoiceId: sub.id, amount: 8_888, status: "failed", receivedAt: Date.UTC(2025, 1, 6) });
  await insertRefund(owner.orgId, { paymentId: feb.id, invoiceId: sub.id, amount: 500, refundedAt: Date.UTC(2025, 1, 28, 15) });
  await insertPayment(owner.orgId, { invoiceId: eur.id, amount: 3_000, currency: "EUR", receivedAt: Date.UTC(2025, 1, 10) });
  return { owner, agent, company: company.body.data, product, sub, eur };
}

const row = (period: string, currency: string, recognized: number, cashCollected: number, refunds: number) => ({
  period,
  currency,
  recognized,
  cashCollected,
  refunds,
  net: cashCollected - refunds,
});

describe("revenue report", () => {
  it("sums recognized revenue, cash collected, refunds and net per month in the organization's zone, currencies apart", async () => {
    const { owner } = await revenueFixture("rep-month");
    const res = await api("/api/financial/reports/revenue?from=2025-01&to=2025-04", { token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const r = res.body.data;
    expect(r.timeZone).toBe("Asia/Tokyo");
    expect(r.currencies).toEqual(["EUR", "USD"]);
    expect(r.periods.map((p: { key: string }) => p.key)).toEqual(["2025-01", "2025-02", "2025-03", "2025-04"]);
    expect(r.totals).toEqual([
      row("2025-01", "EUR", 0, 0, 0),
      row("2025-02", "EUR", 3_000, 3_000, 0),
      row("2025-03", "EUR", 0, 0, 0),
      row("2025-04", "EUR", 0, 0, 0),
      row("2025-01", "USD", 10_000, 2_000, 0),
      row("2025-02", "USD", 10_000, 10_000, 0),
      row("2025-03", "USD", 10_000, 5_000, 500),
      row("2025-04", "USD", 10_000, 7_000, 0),
    ]);
    expect(r.groups).toEqual([]);
  });

  it("adds months up into quarters, a quarter cut to the months asked for", async () => {
    const { owner } = await revenueFixture("rep-quarter");
    const res = await api("/api/financial/reports/revenue?from=2025-02&to=2025-06&interval=quarter&currency=USD", { token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.periods).toEqual([
      { key: "2025-Q1", start: "2025-02-01", end: "2025-03-31" },
      { key: "2025-Q2", start: "2025-04-01", end: "2025-06-30" },
    ]);
    expect(res.body.data.totals).toEqual([row("2025-Q1", "USD", 20_000, 15_000, 500), row("2025-Q2", "USD", 30_000, 7_000, 0)]);
  });

  it("breaks the figures down by owner, company and product with names", async () => {
    const { owner, agent, company, product } = await revenueFixture("rep-groups");
    const byOwner = await api("/api/financial/reports/revenue?from=2025-02&to=2025-02&groupBy=owner", { token: owner.token });
    expect(byOwner.body.data.groups).toEqual([
      { period: "2025-02", currency: "EUR", key: agent.userId, name: `rep-groups-agent person`, recognized: 3_000, cashCollected: 3_000, refunds: 0, net: 3_000 },
      { period: "2025-02", currency: "USD", key: owner.userId, name: "rep-groups person", recognized: 10_000, cashCollected: 10_000, refunds: 0, net: 10_000 },
    ]);
    const byCompany = await api("/api/financial/reports/revenue?from=2025-03&to=2025-03&groupBy=company&currency=USD", { token: owner.token });
    expect(byCompany.body.data.groups).toEqual([
      { period: "2025-03", currency: "USD", key: company.id, name: "Initech", recognized: 10_000, cashCollected: 5_000, refunds: 500, net: 4_500 },
    ]);
    const byProduct = await api("/api/financial/reports/revenue?from=2025-02&to=2025-02&groupBy=product", { token: owner.token });
    expect(byProduct.body.data.groups).toEqual([
      { period: "2025-02", currency: "EUR", key: null, name: "Free-form lines", recognized: 3_000, cashCollected: null, refunds: null, net: null },
      { period: "2025-02", currency: "USD", key: product.id, name: "Annual plan", recognized: 10_000, cashCollected: null, refunds: null, net: null },
    ]);
    expect(byProduct.body.data.totals.find((t: { currency: string }) => t.currency === "USD")).toEqual(row("2025-02", "USD", 10_000, 10_000, 0));
  });

  it("shows an agent restricted to own records only their own invoices' figures; a viewer reads all", async () => {
    const { owner, agent } = await revenueFixture("rep-own");
    await restrictToOwnRecords(owner);
    const mine = await api("/api/financial/reports/revenue?from=2025-01&to=2025-03", { token: agent.token });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    expect(mine.body.data.currencies).toEqual(["EUR"]);
    const viewer = await addMember(owner, "viewer", "rep-own-viewer");
    const all = await api("/api/financial/reports/revenue?from=2025-01&to=2025-03", { token: viewer.token });
    expect(all.status).toBe(200);
    expect(all.body.data.currencies).toEqual(["EUR", "USD"]);
  });

  it("shows another organization nothing of this one's", async () => {
    await revenueFixture("rep-tenant");
    const other = await registerAccount("rep-tenant-other");
    const res = await api("/api/financial/reports/revenue?from=2025-01&to=2025-12", { token: other.token });
    expect(res.status).toBe(200);
    expect(res.body.data.currencies).toEqual([]);
    expect(res.body.data.totals).toEqual([]);
  });

  it("exports CSV in major units with a header row and a download name", async () => {
    const { owner } = await revenueFixture("rep-csv");
    const res = await download("/api/financial/reports/revenue/export.csv?from=2025-03&to=2025-03&currency=USD", owner.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="revenue-2025-03-to-2025-03.csv"');
    expect(res.text).toBe("\uFEFFperiod,currency,recognized,cash_collected,refunds,net\r\n2025-03,USD,100.00,50.00,5.00,45.00\r\n");
    const grouped = await download("/api/financial/reports/revenue/export.csv?from=2025-02&to=2025-02&groupBy=owner&currency=EUR", owner.token);
    expect(grouped.text.split("\r\n")[0]).toBe("\uFEFFperiod,currency,owner,owner_id,recognized,cash_collected,refunds,net");
    expect(grouped.text.split("\r\n")[1]).toMatch(/^2025-02,EUR,rep-csv-agent person,[\w-]+,30\.00,30\.00,0\.00,30\.00$/);
  });

  it("answers 400 for bad parameters and 401 without a token", async () => {
    const owner = await registerAccount("rep-bad");
    for (const q of ["from=2025-13", "from=2025-05&to=2025-04", "interval=week", "groupBy=planet", "currency=usd", "currency=ABC", "from=2000-01&to=2025-01"]) {
      expectError(await api(`/api/financial/reports/revenue?${q}`, { token: owner.token }), 400, "validation_error");
    }
    expectError(await api("/api/financial/reports/revenue/export.csv?to=2025-1", { token: owner.token }), 400, "validation_error");
    expectError(await api("/api/financial/reports/revenue"), 401, "unauthorized");
  });

  it("defaults to the twelve months through the current one", async () => {
    const owner = await registerAccount("rep-default");
    const month = () => new Date().toISOString().slice(0, 7);
    const before = month();
    const res = await api("/api/financial/reports/revenue", { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.data.periods).toHaveLength(12);
    expect([before, month()]).toContain(res.body.data.to);
  });
});
