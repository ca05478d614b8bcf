import { describe, expect, it } from "vitest";
import { api, expectError, registerAccount } from "../../helpers";
import { create } from "../../record-helpers";
import { billedCompany, dealFor, dealLines, draft, finalize, invoiceRow } from "./invoices-fixture";

describe("drafting invoices and quotes", () => {
  it("computes line amounts and totals on the server, rounding per currency", async () => {
    const owner = await registerAccount("totals");
    const inv = await draft(owner, {
      lines: [
        { description: "Hours", quantity: 1.5, unitPrice: 3333, discountBps: 1000, taxRateBps: 1900 },
        { description: "Setup", quantity: 1, unitPrice: 10_000, taxRateBps: 700 },
      ],
    });
    // 1.5 × 33.33 = 49.995 → 50.00; 10% off → 5.00; 45.00 taxed 19% → 8.55. Setup 100.00 taxed 7% → 7.00.
    expect(inv.lines.map((l: any) => [l.amount, l.discountAmount, l.taxAmount])).toEqual([
      [4500, 500, 855],
      [10_000, 0, 700],
    ]);
    expect(inv).toMatchObject({ subtotal: 14_500, discountTotal: 500, tax: 1555, total: 16_055, amountDue: 16_055, status: "draft", number: null });
    const yen = await draft(owner, { currency: "JPY", lines: [{ description: "Widget", quantity: 3, unitPrice: 333, taxRateBps: 1000 }] });
    expect(yen).toMatchObject({ subtotal: 999, tax: 100, total: 1099 });
  });

  it("drafts a long invoice in order, past what one D1 statement can bind", async () => {
    const owner = await registerAccount("long");
    const lines = Array.from({ length: 40 }, (_, i) => ({ description: `Line ${i + 1}`, quantity: 1, unitPrice: 100 + i }));
    const inv = await draft(owner, { lines });
    expect(inv.lines.map((l: any) => l.description)).toEqual(lines.map((l) => l.description));
    expect(inv.subtotal).toBe(lines.reduce((sum, l) => sum + l.unitPrice, 0));
  });

  it("copies a deal's lines, company, contact, currency and owner, and dates it from the billing settings", async () => {
    const owner = await registerAccount("fromdeal");
    const company = await billedCompany(owner, "Initech");
    const contact = await create("/api/contacts", owner.token, { firstName: "Bill", lastName: "Lumbergh", companyId: company.id });
    const deal = await dealFor(owner, { title: "TPS upgrade", currency: "EUR", companyId: company.id, contactId: contact.id, ownerId: owner.userId });
    await dealLines(owner.orgId, deal.id, [
      { description: "Licence", quantity: 2, unitPrice: 50_000, taxRateBps: 2000, currency: "EUR" },
      { description: "Training", quantity: 1, unitPrice: 20_000, discountBps: 2500, currency: "EUR" },
    ]);
    const res = await api("/api/financial/invoices", { token: owner.token, body: { fromDealId: deal.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const inv = res.body.data;
    expect(inv).toMatchObject({ dealId: deal.id, companyId: company.id, contactId: contact.id, currency: "EUR", ownerId: owner.userId, customerName: "Initech", dealTitle: "TPS upgrade" });
    expect(inv.lines.map((l: any) => l.description)).toEqual(["Licence", "Training"]);
    expect(inv).toMatchObject({ subtotal: 115_000, tax: 20_000, total: 135_000 });
    const created = new Date(`${inv.dueDate}T00:00:00Z`).getTime() - 30 * 86_400_000;
    expect(Math.abs(created - Date.now())).toBeLessThan(2 * 86_400_000);

    const listed = await api(`/api/financial/invoices?dealId=${deal.id}`, { token: owner.token });
    expect(listed.body.data.map((d: any) => d.id)).toEqual([inv.id]);
  });

  it("makes one line of a deal's amount when it has no line items", async () => {
    const owner = await registerAccount("amount");
    const deal = await dealFor(owner, { title: "Retainer", amount: 1234.5, currency: "USD", companyId: (await billedCompany(owner)).id });
    const res = await api("/api/financial/invoices", { token: owner.token, body: { fromDealId: deal.id } });
    expect(res.body.data.lines).toMatchObject([{ description: "Retainer", quantity: 1, unitPrice: 123_450 }]);
  });

  it("edits a draft's lines, customer, dates and memo, and recomputes its totals", async () => {
    const owner = await registerAccount("edit");
    const inv = await draft(owner);
    const other = await billedCompany(owner, "Umbrella");
    const res = await api(`/api/financial/invoices/${inv.id}`, {
      method: "PATCH",
      token: owner.token,
      body: { companyId: other.id, memo: "Thanks!", dueDate: "2031-02-28", lines: [{ description: "A", quantity: 2, unitPrice: 2500 }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ companyId: other.id, customerName: "Umbrella", memo: "Thanks!", dueDate: "2031-02-28", total: 5000, amountDue: 5000 });
    expect(res.body.data.lines).toHaveLength(1);
    const audit = await api(`/api/audit-log?entity=invoice&entityId=${inv.id}`, { token: owner.token });
    expect(audit.body.data.map((e: any) => e.action)).toEqual(["update", "create"]);
  });

  it("deletes a draft with its lines, and refuses to delete a finalized invoice", async () => {
    const owner = await registerAccount("del");
    const d = await draft(owner);
    expect((await api(`/api/financial/invoices/${d.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api(`/api/financial/invoices/${d.id}`, { token: owner.token }), 404, "not_found");
    const inv = await finalize(owner, (await draft(owner)).id);
    expectError(await api(`/api/financial/invoices/${inv.id}`, { method: "DELETE", token: owner.token }), 409, "conflict");
    expect((await invoiceRow(inv.id))?.status).toBe("open");
  });

  it("answers bad input with 400 and writes nothing", async () => {
    const owner = await registerAccount("bad");
    const company = await billedCompany(owner);
    const bad = [
      { currency: "usd", companyId: company.id },
      { currency: "XXQ", companyId: company.id },
      { currency: "USD", companyId: "nope" },
      { currency: "USD", lines: [{ quantity: 1, unitPrice: 100 }] },
      { currency: "USD", lines: [{ description: "x", quantity: 0, unitPrice: 100 }] },
      { currency: "USD", lines: [{ description: "x", quantity: 1.0001, unitPrice: 100 }] },
      { currency: "USD", lines: [{ description: "x", quantity: 1, unitPrice: 1.5 }] },
      { currency: "USD", lines: [{ description: "x", quantity: 1, unitPrice: 100, discountBps: 10_001 }] },
      { currency: "USD", lines: [{ productId: "missing", quantity: 1 }] },
      { currency: "USD", lines: [{ description: "x", quantity: 1, unitPrice: 1, periodStart: "2030-02-01", periodEnd: "2030-01-01" }] },
      { currency: "USD", issueDate: "2030-02-30" },
      { currency: "USD", issueDate: "2030-03-01", dueDate: "2030-02-01" },
      { fromDealId: "missing" },
      { companyId: company.id },
      { currency: "USD", surprise: true },
      { kind: "receipt", currency: "USD" },
    ];
    for (const body of bad) expectError(await api("/api/financial/invoices", { token: owner.token, body }), 400, "validation_error");
    const list = await api("/api/financial/invoices", { token: owner.token });
    expect(list.body.meta.total).toBe(0);
  });

  it("filters by status, overdue and text, sorts, and sums per currency", async () => {
    const owner = await registerAccount("list");
    const acme = await billedCompany(owner, "Acme Rockets");
    const beta = await billedCompany(owner, "Beta Bakery");
    const overdue = await finalize(owner, (await draft(owner, { companyId: acme.id, issueDate: "2020-01-01", dueDate: "2020-01-31" })).id);
    const open = await finalize(owner, (await draft(owner, { companyId: beta.id, lines: [{ description: "x", quantity: 1, unitPrice: 500 }] })).id);
    await draft(owner, { companyId: beta.id, currency: "EUR" });
    const quote = await draft(owner, { kind: "quote", companyId: acme.id });

    const q = async (query: string) => (await api(`/api/financial/invoices?${query}`, { token: owner.token })).body.data.map((d: any) => d.id);
    expect(await q("status=overdue")).toEqual([overdue.id]);
    expect(await q("overdue=true")).toEqual([overdue.id]);
    expect((await q("overdue=false")).sort()).toEqual((await q("sort=createdAt")).filter((id: string) => id !== overdue.id).sort());
    expect(await q("status=open&sort=number")).toEqual([overdue.id, open.id]);
    expect(await q("kind=quote")).toEqual([quote.id]);
    expect(await q("q=rockets&kind=invoice")).toEqual([overdue.id]);
    expect(await q(`q=${encodeURIComponent(overdue.number)}`)).toEqual([overdue.id]);
    expect((await q("sort=-total&kind=invoice")).length).toBe(3);
    expect((await api("/api/financial/invoices?sort=owner", { token: owner.token })).status).toBe(400);
    const row = (await api(`/api/financial/invoices?status=overdue`, { token: owner.token })).body.data[0];
    expect(row.displayStatus).toBe("overdue");

    const totals = await api("/api/financial/invoices/totals?kind=invoice", { token: owner.token });
    expect(totals.body.data).toEqual([
      { currency: "EUR", count: 1, total: 10_000, amountPaid: 0, amountDue: 0 },
      { currency: "USD", count: 2, total: 10_500, amountPaid: 0, amountDue: 10_500 },
    ]);
  });
});
