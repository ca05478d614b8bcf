import { describe, expect, it } from "vitest";
import { PUBLIC_DOCUMENT_LIMITS } from "../../../worker/financial/invoices/public-document-routes";
import { api, expectError, registerAccount, uniqueIp } from "../../helpers";
import { draft, finalize, invoiceRow, publicLink } from "./invoices-fixture";

const publicApi = (path: string, opts: { body?: unknown; ip?: string } = {}) =>
  api(`/api/public/documents/${path}`, { body: opts.body, headers: { "cf-connecting-ip": opts.ip ?? uniqueIp() } });

describe("quotes", () => {
  it("drafts a linked invoice from the quote's lines when staff accept it", async () => {
    const owner = await registerAccount("qaccept");
    const quote = await finalize(owner, (await draft(owner, { kind: "quote", lines: [{ description: "Plan", quantity: 2, unitPrice: 4_000, taxRateBps: 1000 }] })).id);
    const res = await api(`/api/financial/invoices/${quote.id}/accept`, { token: owner.token, body: { name: "Pat Buyer" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const inv = res.body.data;
    expect(inv).toMatchObject({ kind: "invoice", status: "draft", quoteId: quote.id, linkedNumber: quote.number, total: 8_800, companyId: quote.companyId });
    expect(inv.lines.map((l: any) => [l.description, l.quantity, l.amount, l.taxAmount])).toEqual([["Plan", 2, 8_000, 800]]);
    expect(await invoiceRow(quote.id)).toMatchObject({ status: "accepted", quoteId: inv.id, acceptedName: "Pat Buyer" });
    expectError(await api(`/api/financial/invoices/${quote.id}/decline`, { token: owner.token, body: { name: "Pat" } }), 409, "conflict");
    expect((await api("/api/financial/invoices?kind=invoice", { token: owner.token })).body.meta.total).toBe(1);
  });

  it("refuses to accept a draft quote, an invoice, or an expired quote", async () => {
    const owner = await registerAccount("qrefuse");
    const d = await draft(owner, { kind: "quote" });
    expectError(await api(`/api/financial/invoices/${d.id}/accept`, { token: owner.token, body: { name: "A" } }), 409, "conflict");
    const inv = await finalize(owner, (await draft(owner)).id);
    expectError(await api(`/api/financial/invoices/${inv.id}/accept`, { token: owner.token, body: { name: "A" } }), 404, "not_found");
    const expired = await finalize(owner, (await draft(owner, { kind: "quote", issueDate: "2020-01-01", dueDate: "2020-01-31" })).id);
    expect(expired.displayStatus).toBe("expired");
    expectError(await api(`/api/financial/invoices/${expired.id}/accept`, { token: owner.token, body: { name: "A" } }), 409, "conflict");
    expect((await invoiceRow(expired.id))?.status).toBe("open");
  });
});

describe("the customer's document link", () => {
  it("shows the customer the document without internal ids, and hides drafts, void documents and wrong tokens", async () => {
    const owner = await registerAccount("pubview");
    const d = await draft(owner, { memo: "Thank you" });
    const token = await publicLink(d.id);
    expectError(await publicApi(token), 404, "not_found");
    const inv = await finalize(owner, d.id);
    const res = await publicApi(token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ kind: "invoice", number: inv.number, total: 10_000, amountDue: 10_000, canPay: true, canAnswer: false, memo: "Thank you" });
    expect(res.body.data.customer.companyName).toBe("Acme Industries");
    expect(res.body.data.seller.name).toBe("pubview org");
    const text = JSON.stringify(res.body.data);
    for (const secret of [inv.id, owner.orgId, owner.userId, inv.companyId]) expect(text).not.toContain(secret);
    expectError(await publicApi(`${token}x`), 404, "not_found");
    await api(`/api/financial/invoices/${inv.id}/void`, { method: "POST", token: owner.token });
    expectError(await publicApi(token), 404, "not_found");
  });

  it("lets the customer accept an open quote once, by name, drafting its invoice", async () => {
    const owner = await registerAccount("pubaccept");
    const quote = await finalize(owner, (await draft(owner, { kind: "quote" })).id);
    const token = await publicLink(quote.id);
    expect((await publicApi(token)).body.data).toMatchObject({ kind: "quote", displayStatus: "sent", canAnswer: true, canPay: false });
    expectError(await publicApi(`${token}/accept`, { body: { name: "" } }), 400, "validation_error");
    const accepted = await publicApi(`${token}/accept`, { body: { name: "Dana Customer" } });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.data).toMatchObject({ status: "accepted", acceptedName: "Dana Customer", canAnswer: false });
    expectError(await publicApi(`${token}/accept`, { body: { name: "Dana Customer" } }), 409, "conflict");
    expectError(await publicApi(`${token}/decline`, { body: { name: "Dana Customer" } }), 409, "conflict");
    const invoices = await api("/api/financial/invoices?kind=invoice", { token: owner.token });
    expect(invoices.body.data).toMatchObject([{ status: "draft", quoteId: quote.id, total: quote.total }]);
    const audit = await api(`/api/audit-log?entity=quote&entityId=${quote.id}`, { token: owner.token });
    expect(audit.body.data[0]).toMatchObject({ action: "accept", actorId: null });
  });

  it("lets the customer decline, and refuses answers to an invoice's link", async () => {
    const owner = await registerAccount("pubdecline");
    const quote = await finalize(owner, (await draft(owner, { kind: "quote" })).id);
    const token = await publicLink(quote.id);
    const declined = await publicApi(`${token}/decline`, { body: { name: "Sam" } });
    expect(declined.body.data).toMatchObject({ status: "declined", displayStatus: "declined" });
    const inv = await finalize(owner, (await draft(owner)).id);
    const invToken = await publicLink(inv.id);
    expectError(await publicApi(`${invToken}/accept`, { body: { name: "Sam" } }), 400, "validation_error");
    expect((await invoiceRow(inv.id))?.status).toBe("open");
  });

  it("limits answers per link, whatever the address", async () => {
    const owner = await registerAccount("publimit");
    const quote = await finalize(owner, (await draft(owner, { kind: "quote", issueDate: "2020-01-01", dueDate: "2020-01-31" })).id);
    const token = await publicLink(quote.id);
    const { limit } = PUBLIC_DOCUMENT_LIMITS.answersPerToken;
    for (let i = 0; i < limit; i++) expectError(await publicApi(`${token}/accept`, { body: { name: "Robo" } }), 409, "conflict");
    const blocked = await publicApi(`${token}/accept`, { body: { name: "Robo" } });
    expectError(blocked, 429, "rate_limited");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await invoiceRow(quote.id))?.status).toBe("open");
  });

  it("limits answers per address across links", async () => {
    const ip = uniqueIp();
    const { limit } = PUBLIC_DOCUMENT_LIMITS.answersPerIp;
    for (let i = 0; i < limit; i++) expectError(await publicApi(`unknown-token-${i}-abcdefgh/decline`, { body: { name: "Bot" }, ip }), 404, "not_found");
    expectError(await publicApi("unknown-token-last-abcdefgh/decline", { body: { name: "Bot" }, ip }), 429, "rate_limited");
  });
});
