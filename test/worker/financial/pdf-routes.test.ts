import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";
import * as schema from "../../../schema";
import { addMember, api, expectError, registerAccount, uniqueIp } from "../../helpers";
import { PUBLIC_PDFS_PER_IP } from "../../../worker/financial/pdf/pdf-routes";
import { auditActions, restrictToOwnRecords, testDb } from "../../record-helpers";
import { fetchRaw, insertInvoice, invoiceRow, pdfPagesText, TINY_PNG } from "./pdf-fixture";

const tokenOf = (url: string) => url.split("/documents/")[1]!;

describe("GET /api/financial/invoices/{id}/pdf", () => {
  it("answers the invoice as an inline PDF named by its number, to the owner and to a viewer", async () => {
    const owner = await registerAccount("pdfown");
    const viewer = await addMember(owner, "viewer");
    const invoice = await insertInvoice(owner.orgId, { lines: 3 });
    for (const account of [owner, viewer]) {
      const res = await fetchRaw(`/api/financial/invoices/${invoice.id}/pdf`, { token: account.token });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/pdf");
      expect(res.headers.get("content-disposition")).toBe(`inline; filename="${invoice.number}.pdf"`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
      const [page] = await pdfPagesText(bytes);
      expect(page).toEqual(expect.arrayContaining([invoice.number!, "Globex Corporation", "Jane Customer", "jane.customer@example.com", "Implementation package 3"]));
    }
  });

  it("gives the same bytes on every download", async () => {
    const owner = await registerAccount("pdfsame");
    const invoice = await insertInvoice(owner.orgId);
    const a = new Uint8Array(await (await fetchRaw(`/api/financial/invoices/${invoice.id}/pdf`, { token: owner.token })).arrayBuffer());
    const b = new Uint8Array(await (await fetchRaw(`/api/financial/invoices/${invoice.id}/pdf`, { token: owner.token })).arrayBuffer());
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("prints the organization's billing details and its logo from storage", async () => {
    const owner = await registerAccount("pdflogo");
    const logoKey = `orgs/${owner.orgId}/billing/logo.png`;
    await env.FILES.put(logoKey, TINY_PNG);
    await testDb().insert(schema.billingSettings).values({ orgId: owner.orgId, legalName: "Logo Works Ltd", address: "2 High Street\nLondon", taxId: "GB999", email: "ar@logo.example", logoKey, footer: "Registered in England", updatedAt: Date.now() });
    const invoice = await insertInvoice(owner.orgId);
    const bytes = new Uint8Array(await (await fetchRaw(`/api/financial/invoices/${invoice.id}/pdf`, { token: owner.token })).arrayBuffer());
    const [page] = await pdfPagesText(bytes);
    expect(page).toEqual(expect.arrayContaining(["Logo Works Ltd", "2 High Street", "Tax ID: GB999", "ar@logo.example", "Registered in England"]));
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getPage(0).node.Resources()?.toString()).toMatch(/\/XObject/);
  });

  it("names a draft's file by its id and marks it DRAFT", async () => {
    const owner = await registerAccount("pdfdraft");
    const draft = await insertInvoice(owner.orgId, { status: "draft", number: null, sequence: null, finalizedAt: null });
    const res = await fetchRaw(`/api/financial/invoices/${draft.id}/pdf`, { token: owner.token });
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="draft-${draft.id}.pdf"`);
    expect((await pdfPagesText(new Uint8Array(await res.arrayBuffer())))[0]).toContain("DRAFT");
  });

  it("answers 404 for another organization's invoice and 401 without a token", async () => {
    const owner = await registerAccount("pdften");
    const stranger = await registerAccount("pdfstr");
    const invoice = await insertInvoice(owner.orgId);
    expect((await fetchRaw(`/api/financial/invoices/${invoice.id}/pdf`, { token: stranger.token })).status).toBe(404);
    expect((await fetchRaw(`/api/financial/invoices/${invoice.id}/pdf`)).status).toBe(401);
    expect((await fetchRaw(`/api/financial/invoices/nope/pdf`, { token: owner.token })).status).toBe(404);
  });

  it("lets an agent restricted to own records download only their own invoices", async () => {
    const owner = await registerAccount("pdfagent");
    const agent = await addMember(owner, "agent");
    await restrictToOwnRecords(owner);
    const theirs = await insertInvoice(owner.orgId, { ownerId: agent.userId });
    const others = await insertInvoice(owner.orgId, { ownerId: owner.userId });
    expect((await fetchRaw(`/api/financial/invoices/${theirs.id}/pdf`, { token: agent.token })).status).toBe(200);
    expect((await fetchRaw(`/api/financial/invoices/${others.id}/pdf`, { token: agent.token })).status).toBe(404);
  });
});

describe("customer links", () => {
  it("issues a link whose PDF opens without sign-in and prints the link", async () => {
    const owner = await registerAccount("lnk");
    const invoice = await insertInvoice(owner.orgId);
    const res = await api(`/api/financial/invoices/${invoice.id}/link`, { method: "POST", token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data.url).toMatch(/^http:\/\/neuracrm\.test\/documents\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(res.body.data.url);
    const row = await invoiceRow(invoice.id);
    expect(row?.publicTokenHash).toBeTruthy();
    expect(row?.publicTokenHash).not.toContain(token);
    const pdf = await fetchRaw(`/api/public/documents/${token}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const [page] = await pdfPagesText(new Uint8Array(await pdf.arrayBuffer()));
    expect(page).toEqual(expect.arrayContaining(["VIEW AND PAY ONLINE", res.body.data.url]));
    expect(await auditActions(owner.token, "invoice", invoice.id)).toContain("invoice_link_issued");
  });

  it("retires the previous link when a new one is issued", async () => {
    const owner = await registerAccount("lnkrot");
    const invoice = await insertInvoice(owner.orgId);
    const first = tokenOf((await api(`/api/financial/invoices/${invoice.id}/link`, { method: "POST", token: owner.token })).body.data.url);
    const second = tokenOf((await api(`/api/financial/invoices/${invoice.id}/link`, { method: "POST", token: owner.token })).body.data.url);
    expect(second).not.toBe(first);
    expect((await fetchRaw(`/api/public/documents/${first}/pdf`)).status).toBe(404);
    expect((await fetchRaw(`/api/public/documents/${second}/pdf`)).status).toBe(200);
  });

  it("refuses links for drafts, hides void documents and unknown tokens", async () => {
    const owner = await registerAccount("lnkvoid");
    const draft = await insertInvoice(owner.orgId, { status: "draft", number: null, sequence: null });
    expectError(await api(`/api/financial/invoices/${draft.id}/link`, { method: "POST", token: owner.token }), 409, "conflict");
    expect((await invoiceRow(draft.id))?.publicTokenHash).toBeNull();

    const invoice = await insertInvoice(owner.orgId);
    const token = tokenOf((await api(`/api/financial/invoices/${invoice.id}/link`, { method: "POST", token: owner.token })).body.data.url);
    await testDb().update(schema.invoices).set({ status: "void", voidedAt: Date.now() }).where(eq(schema.invoices.id, invoice.id));
    expect((await fetchRaw(`/api/public/documents/${token}/pdf`)).status).toBe(404);
    expect((await fetchRaw(`/api/public/documents/${"A".repeat(43)}/pdf`)).status).toBe(404);
    expect((await fetchRaw(`/api/public/documents/short/pdf`)).status).toBe(404);
  });

  it("lets only billing managers of the organization issue links, changing nothing otherwise", async () => {
    const owner = await registerAccount("lnkperm");
    const viewer = await addMember(owner, "viewer");
    const stranger = await registerAccount("lnkstr");
    const invoice = await insertInvoice(owner.orgId);
    expectError(await api(`/api/financial/invoices/${invoice.id}/link`, { method: "POST", token: viewer.token }), 403, "forbidden");
    expectError(await api(`/api/financial/invoices/${invoice.id}/link`, { method: "POST", token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/financial/invoices/${invoice.id}/link`, { method: "POST" }), 401, "unauthorized");
    expect((await invoiceRow(invoice.id))?.publicTokenHash).toBeNull();
  });

  it("limits how many customer PDFs one address fetches a minute", async () => {
    const owner = await registerAccount("lnklimit");
    const invoice = await insertInvoice(owner.orgId);
    const token = tokenOf((await api(`/api/financial/invoices/${invoice.id}/link`, { method: "POST", token: owner.token })).body.data.url);
    const ip = uniqueIp();
    const statuses: number[] = [];
    for (let i = 0; i < PUBLIC_PDFS_PER_IP.limit; i++) {
      // Unknown tokens count too: guessing is what the limit is for.
      const path = i % 2 ? `/api/public/documents/${token}/pdf` : `/api/public/documents/${"B".repeat(43)}/pdf`;
      statuses.push((await fetchRaw(path, { headers: { "cf-connecting-ip": ip } })).status);
    }
    expect(new Set(statuses)).toEqual(new Set([200, 404]));
    const limited = await fetchRaw(`/api/public/documents/${token}/pdf`, { headers: { "cf-connecting-ip": ip } });
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect((await fetchRaw(`/api/public/documents/${token}/pdf`, { headers: { "cf-connecting-ip": uniqueIp() } })).status).toBe(200);
  });
});
