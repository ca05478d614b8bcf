import { describe, expect, it } from "vitest";
import * as schema from "../../../schema";
import { formatNumber, parseNumberFormat } from "../../../worker/financial/settings/document-numbering";
import { api, expectError, registerAccount } from "../../helpers";
import { testDb } from "../../record-helpers";
import { billedCompany, draft, finalize, invoiceRow } from "./invoices-fixture";

const thisYear = (issueDate: string) => issueDate.slice(0, 4);

describe("document number formats", () => {
  it("expands prefix, year and zero-padded sequence, and keeps literal text", () => {
    expect(formatNumber("{prefix}{YYYY}-{seq:4}", "INV-", 2026, 7)).toBe("INV-2026-0007");
    expect(formatNumber("{YYYY}/{seq}", "X", 2031, 123)).toBe("2031/123");
    expect(formatNumber("F{seq:6}", "", 2026, 1234567)).toBe("F1234567");
    expect(parseNumberFormat("A{unknown}B").map((t) => t.kind)).toEqual(["text"]);
  });
});

describe("finalizing invoices", () => {
  it("gives 20 racing finalizations the numbers 1 to 20, none shared or skipped", async () => {
    const owner = await registerAccount("race");
    const company = await billedCompany(owner);
    const drafts = [];
    for (let i = 0; i < 20; i++) drafts.push(await draft(owner, { companyId: company.id }));
    const results = await Promise.all(drafts.map((d) => api(`/api/financial/invoices/${d.id}/finalize`, { method: "POST", token: owner.token })));
    for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
    const sequences = results.map((r) => r.body.data.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const numbers = new Set(results.map((r) => r.body.data.number));
    expect(numbers.size).toBe(20);
    const first = results.find((r) => r.body.data.sequence === 1)!.body.data;
    expect(first.number).toBe(`INV-${thisYear(first.issueDate)}-0001`);
    const settings = await testDb().select().from(schema.billingSettings).all();
    expect(settings.find((s) => s.orgId === owner.orgId)?.invoiceNextNumber).toBe(21);
  });

  it("gives one number when the same invoice is finalized twice at once", async () => {
    const owner = await registerAccount("twice");
    const d = await draft(owner);
    const [a, b] = await Promise.all([1, 2].map(() => api(`/api/financial/invoices/${d.id}/finalize`, { method: "POST", token: owner.token })));
    expect([a!.status, b!.status].sort()).toEqual([200, 409]);
    const next = await finalize(owner, (await draft(owner)).id);
    expect(next.sequence).toBe(2);
  });

  it("opens the invoice with its issue date, freezes it, and numbers quotes in their own sequence", async () => {
    const owner = await registerAccount("open");
    const inv = await finalize(owner, (await draft(owner)).id);
    expect(inv.status).toBe("open");
    expect(inv.displayStatus).toBe("open");
    expect(inv.issueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(inv.finalizedAt).toBeGreaterThan(0);
    expect(inv.amountDue).toBe(10_000);
    const quote = await finalize(owner, (await draft(owner, { kind: "quote" })).id);
    expect(quote.number).toBe(`Q-${thisYear(quote.issueDate)}-0001`);
    expect(quote.displayStatus).toBe("sent");

    const edit = await api(`/api/financial/invoices/${inv.id}`, { method: "PATCH", token: owner.token, body: { memo: "late edit" } });
    expectError(edit, 409, "conflict");
    const del = await api(`/api/financial/invoices/${inv.id}`, { method: "DELETE", token: owner.token });
    expectError(del, 409, "conflict");
    expect((await invoiceRow(inv.id))?.memo).toBeNull();
  });

  it("follows the organization's prefix and format", async () => {
    const owner = await registerAccount("fmt");
    await testDb()
      .insert(schema.billingSettings)
      .values({ orgId: owner.orgId, invoicePrefix: "ACME/", invoiceNumberFormat: "{prefix}{seq:6}/{YYYY}", invoiceNextNumber: 41, updatedAt: Date.now() });
    const inv = await finalize(owner, (await draft(owner)).id);
    expect(inv.number).toBe(`ACME/000041/${thisYear(inv.issueDate)}`);
    expect(inv.sequence).toBe(41);
  });

  it("refuses an empty invoice or one without a customer with 400, taking no number", async () => {
    const owner = await registerAccount("empty");
    const empty = await draft(owner, { lines: [] });
    expectError(await api(`/api/financial/invoices/${empty.id}/finalize`, { method: "POST", token: owner.token }), 400, "validation_error");
    const nobody = await draft(owner, { companyId: null });
    expectError(await api(`/api/financial/invoices/${nobody.id}/finalize`, { method: "POST", token: owner.token }), 400, "validation_error");
    expect((await invoiceRow(empty.id))?.status).toBe("draft");
    const next = await finalize(owner, (await draft(owner)).id);
    expect(next.sequence).toBe(1);
  });

  it("marks a zero-total invoice paid when it is finalized", async () => {
    const owner = await registerAccount("zero");
    const inv = await finalize(owner, (await draft(owner, { lines: [{ description: "Free trial", quantity: 1, unitPrice: 0 }] })).id);
    expect(inv.status).toBe("paid");
    expect(inv.paidAt).toBeGreaterThan(0);
    expect(inv.amountDue).toBe(0);
  });

  it("keeps the number when voiding, and voids or writes off only open invoices", async () => {
    const owner = await registerAccount("void");
    const d = await draft(owner);
    expectError(await api(`/api/financial/invoices/${d.id}/void`, { method: "POST", token: owner.token }), 409, "conflict");
    const inv = await finalize(owner, d.id);
    const voided = await api(`/api/financial/invoices/${inv.id}/void`, { method: "POST", token: owner.token });
    expect(voided.status).toBe(200);
    expect(voided.body.data).toMatchObject({ status: "void", number: inv.number, sequence: inv.sequence, amountDue: 0 });
    expectError(await api(`/api/financial/invoices/${inv.id}/mark-uncollectible`, { method: "POST", token: owner.token }), 409, "conflict");
    const next = await finalize(owner, (await draft(owner)).id);
    expect(next.sequence).toBe(inv.sequence + 1);
    const written = await api(`/api/financial/invoices/${next.id}/mark-uncollectible`, { method: "POST", token: owner.token });
    expect(written.body.data).toMatchObject({ status: "uncollectible", amountDue: 10_000 });
    const audit = await api(`/api/audit-log?entity=invoice&entityId=${inv.id}`, { token: owner.token });
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(["void", "finalize", "create"]);
  });
});
