import { PDFDict, PDFDocument, PDFName, PDFString } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { pdfFileName, renderInvoicePdf } from "../../../worker/financial/pdf/invoice-pdf";
import { pdfDocument, pdfLine, pdfPagesText, sha256Hex, TINY_PNG } from "./pdf-fixture";

/** The SHA-256 of the fixed document's PDF: a change here is a change of every customer's invoice. */
const SNAPSHOT_SHA256 = "ccae55072edb55d632e9806c2f6173ba9efe3dd2203e83da191580c0a65002fd";

const imagesOn = async (bytes: Uint8Array) => {
  const pdf = await PDFDocument.load(bytes);
  return pdf.getPages().map((page) => {
    const xobjects = page.node.Resources()?.lookup(PDFName.of("XObject"));
    if (!(xobjects instanceof PDFDict)) return 0;
    return xobjects.keys().filter((k) => (xobjects.lookup(k) as { dict?: PDFDict }).dict?.get(PDFName.of("Subtype"))?.toString() === "/Image").length;
  });
};

describe("invoice PDF rendering", () => {
  it("gives the same bytes for the same document, matching the stored snapshot", async () => {
    const doc = pdfDocument(3, { link: "https://app.example/documents/abc" });
    const first = await renderInvoicePdf(doc);
    const second = await renderInvoicePdf(structuredClone(doc));
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(await sha256Hex(first)).toBe(SNAPSHOT_SHA256);
    const pdf = await PDFDocument.load(first, { updateMetadata: false });
    expect(pdf.getCreationDate()?.getTime()).toBe(doc.timestamp);
    expect(pdf.getProducer()).toBe("NeuraCRM");
    expect(pdf.getPage(0).getSize()).toEqual({ width: 595.28, height: 841.89 });
  });

  it("prints the seller, customer, lines, tax per rate, totals and terms", async () => {
    const doc = pdfDocument(3);
    const [page] = await pdfPagesText(await renderInvoicePdf(doc));
    expect(page).toEqual(expect.arrayContaining(["INVOICE", "INV-2026-0007", "Acme Analytics GmbH", "Tax ID: DE123456789", "Globex Corporation", "Jane Doe", "jane@globex.example"]));
    expect(page).toEqual(expect.arrayContaining(["5 Mar 2026", "4 Apr 2026", "Payment within 30 days.", "Acme Analytics GmbH, Berlin", "Page 1 of 1"]));
    expect(page).toEqual(expect.arrayContaining(["Consulting day 1: architecture review", "Service period: 1 Jan 2026 – 31 Dec 2026"]));
    // Line 2: 2 × €126.50, 10% off = €227.70; taxes 7% and 19% each summed on their own row.
    expect(page).toEqual(expect.arrayContaining(["€126.50", "10%", "€227.70", "7%", "19%"]));
    expect(page).toEqual(expect.arrayContaining(["Amount due", new Intl.NumberFormat("en-US", { style: "currency", currency: "EUR" }).format(doc.total / 100)]));
  });

  it("formats amounts per currency: yen without decimals, euros with two, and a symbol WinAnsi lacks as its code", async () => {
    const yen = await pdfPagesText(await renderInvoicePdf(pdfDocument(0, { currency: "JPY", lines: [pdfLine(0, { quantity: 3, unitPrice: 1235, discountBps: 0, taxRateBps: 1000 })] })));
    expect(yen[0]).toEqual(expect.arrayContaining(["¥1,235", "¥3,705", "¥371", "¥4,076"]));
    expect(yen[0]!.some((s) => /¥\d[\d,]*\.\d/.test(s))).toBe(false);
    const euro = await pdfPagesText(await renderInvoicePdf(pdfDocument(0, { lines: [pdfLine(0, { quantity: 1, unitPrice: 123_450, discountBps: 0, taxRateBps: 0 })] })));
    expect(euro[0]).toEqual(expect.arrayContaining(["€1,234.50"]));
    const rupee = await pdfPagesText(await renderInvoicePdf(pdfDocument(0, { currency: "INR", lines: [pdfLine(0, { quantity: 1, unitPrice: 123_450, discountBps: 0, taxRateBps: 0 })] })));
    expect(rupee[0]).toEqual(expect.arrayContaining(["INR 1,234.50"]));
  });

  it("paginates 200 lines, repeating the table header and keeping the last rows with the totals", async () => {
    const doc = pdfDocument(200);
    const bytes = await renderInvoicePdf(doc);
    const pages = await pdfPagesText(bytes);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(pages.length);
    expect(pages.length).toBeGreaterThan(4);
    pages.forEach((strings, i) => {
      expect(strings).toContain("DESCRIPTION");
      expect(strings).toContain(`Page ${i + 1} of ${pages.length}`);
    });
    const all = pages.flat();
    for (let i = 0; i < 200; i++) expect(all).toContain(`Consulting day ${i + 1}: architecture review`);
    const last = pages.at(-1)!;
    expect(last).toContain("Amount due");
    expect(last).toContain("Consulting day 200: architecture review");
    expect(pages.slice(1).every((p) => p.includes("Invoice INV-2026-0007"))).toBe(true);
  });

  it("embeds the logo, and leaves out one it cannot read instead of failing", async () => {
    expect(await imagesOn(await renderInvoicePdf(pdfDocument(1, { logo: { bytes: TINY_PNG, type: "png" } })))).toEqual([1]);
    expect(await imagesOn(await renderInvoicePdf(pdfDocument(1)))).toEqual([0]);
    const broken = await renderInvoicePdf(pdfDocument(1, { logo: { bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), type: "png" } }));
    expect(await imagesOn(broken)).toEqual([0]);
  });

  it("prints names outside WinAnsi transliterated or as ? instead of failing", async () => {
    const doc = pdfDocument(0, {
      billTo: { company: "株式会社 Łódź Żółw", contact: "Đorđe Ørsted 😀", email: null, address: "ул. Тверская 1" },
      lines: [pdfLine(0, { description: "Ελληνικά service – “quoted” → done\nsecond line" })],
    });
    const [page] = await pdfPagesText(await renderInvoicePdf(doc));
    expect(page).toEqual(expect.arrayContaining(["???? Lódz Zólw", "Dorde Ørsted ?", "??. ???????? 1", "???????? service – “quoted” -> done", "second line"]));
  });

  it("marks void, draft, paid and quote documents", async () => {
    const text = async (fields: Parameters<typeof pdfDocument>[1]) => (await pdfPagesText(await renderInvoicePdf(pdfDocument(1, fields))))[0]!;
    expect(await text({ status: "void" })).toContain("VOID");
    const draft = await text({ status: "draft", number: null });
    expect(draft).toEqual(expect.arrayContaining(["DRAFT", "Draft"]));
    expect(await text({ status: "paid", amountPaid: 100, amountDue: 0 })).toContain("PAID");
    const quote = await text({ kind: "quote", number: "Q-2026-0001", link: "https://app.example/documents/q" });
    expect(quote).toEqual(expect.arrayContaining(["QUOTE", "Valid until", "REVIEW AND ACCEPT ONLINE"]));
    expect(quote).not.toContain("Amount due");
    expect(pdfFileName({ number: null, id: "abc" })).toBe("draft-abc.pdf");
    expect(pdfFileName({ number: "INV-2026-0001", id: "abc" })).toBe("INV-2026-0001.pdf");
  });

  it("makes the customer link clickable", async () => {
    const link = "https://app.example/documents/AbC_d-1";
    const pdf = await PDFDocument.load(await renderInvoicePdf(pdfDocument(1, { link })));
    const annots = pdf.getPage(0).node.Annots();
    expect(annots?.size()).toBe(1);
    const action = (annots!.lookup(0) as PDFDict).lookup(PDFName.of("A")) as PDFDict;
    expect((action.lookup(PDFName.of("URI")) as PDFString).decodeText()).toBe(link);
    // A paid invoice has nothing left to pay: no pay link.
    const paid = await PDFDocument.load(await renderInvoicePdf(pdfDocument(1, { link, status: "paid", amountDue: 0 })));
    expect(paid.getPage(0).node.Annots()?.size() ?? 0).toBe(0);
  });
});
