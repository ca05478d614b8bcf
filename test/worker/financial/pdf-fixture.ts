import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { decodePDFRawStream, PDFArray, PDFDocument, PDFName, PDFRawStream, type PDFDict } from "pdf-lib";
import * as schema from "../../../schema";
import { newId } from "../../../worker/platform/ids";
import { documentTotals, lineAmounts } from "../../../worker/financial/money";
import type { InvoicePdfDocument, PdfLine } from "../../../worker/financial/pdf/invoice-pdf";
import { BASE } from "../../helpers";
import { testDb } from "../../record-helpers";

/** A valid 1×1 PNG (red), for logos. */
export const TINY_PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

export function pdfLine(i: number, fields: Partial<PdfLine> = {}): PdfLine {
  const input = { quantity: 1 + (i % 3), unitPrice: 12_550 + i * 100, discountBps: i % 2 ? 1000 : 0, taxRateBps: i % 3 ? 1900 : 700, ...fields };
  return {
    description: `Consulting day ${i + 1}: architecture review`,
    periodStart: null,
    periodEnd: null,
    ...input,
    ...lineAmounts(input),
    ...fields,
  };
}

/** A fixed document; `lines` lines, the rest overridable. */
export function pdfDocument(lines = 3, fields: Partial<InvoicePdfDocument> = {}): InvoicePdfDocument {
  const rows = fields.lines ?? Array.from({ length: lines }, (_, i) => pdfLine(i, i === 0 ? { periodStart: "2026-01-01", periodEnd: "2026-12-31" } : {}));
  const totals = documentTotals(rows);
  return {
    id: "inv_fixed",
    kind: "invoice",
    status: "open",
    number: "INV-2026-0007",
    currency: "EUR",
    issueDate: "2026-03-05",
    dueDate: "2026-04-04",
    memo: null,
    ...totals,
    amountPaid: 0,
    amountDue: totals.total,
    seller: { name: "Acme Analytics GmbH", address: "Friedrichstrasse 12\n10117 Berlin", taxId: "DE123456789", email: "billing@acme.example" },
    logo: null,
    billTo: { company: "Globex Corporation", contact: "Jane Doe", email: "jane@globex.example", address: "1 Market St\nSan Francisco" },
    paymentTerms: "Payment within 30 days.",
    footer: "Acme Analytics GmbH, Berlin",
    link: null,
    timestamp: Date.UTC(2026, 2, 5, 10, 0, 0),
    ...fields,
    lines: rows,
  };
}

/** WinAnsi bytes as text (the standard fonts' encoding; 0x80–0x9f differ from Latin-1). */
const WIN_ANSI_HIGH: Record<number, string> = { 0x80: "€", 0x85: "…", 0x91: "‘", 0x92: "’", 0x93: "“", 0x94: "”", 0x95: "•", 0x96: "–", 0x97: "—", 0x99: "™" };

function pageContent(page: PDFDict): Uint8Array {
  const contents = page.lookup(PDFName.of("Contents"));
  const streams = contents instanceof PDFArray ? contents.asArray().map((r) => page.context.lookup(r)) : [contents];
  const parts = streams.map((s) => decodePDFRawStream(s as PDFRawStream).decode());
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length + 1;
  }
  return out;
}

/**
 * The strings drawn on each page, read back from the file itself: the content
 * streams are inflated and every `<hex> Tj` decoded from WinAnsi.
 */
export async function pdfPagesText(bytes: Uint8Array): Promise<string[][]> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.getPages().map((page) => {
    let content = "";
    for (const b of pageContent(page.node)) content += String.fromCharCode(b);
    return [...content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)].map((m) => {
      const hex = m[1]!;
      let s = "";
      for (let i = 0; i < hex.length; i += 2) {
        const b = parseInt(hex.slice(i, i + 2), 16);
        s += WIN_ANSI_HIGH[b] ?? String.fromCharCode(b);
      }
      return s;
    });
  });
}

export async function sha256Hex(bytes: Uint8Array) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A raw request to the worker (the PDF routes answer bytes, not the JSON `api()` reads). */
export async function fetchRaw(path: string, opts: { token?: string; method?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return exports.default.fetch(new Request(`${BASE}${path}`, { method: opts.method ?? "GET", headers }));
}

/**
 * A finalized invoice written straight into the tables (as the invoices
 * service leaves one), with a company, a contact and `lines` lines.
 */
export async function insertInvoice(
  orgId: string,
  fields: Partial<typeof schema.invoices.$inferInsert> & { lines?: number; contactEmail?: string | null } = {},
) {
  const db = testDb();
  const now = Date.now();
  const { lines: count = 2, contactEmail = "jane.customer@example.com", ...invoiceFields } = fields;
  const companyId = newId();
  const contactId = newId();
  await db.insert(schema.companies).values({ id: companyId, orgId, name: "Globex Corporation", address: "1 Market St\nSan Francisco", createdAt: now, updatedAt: now } as typeof schema.companies.$inferInsert);
  await db.insert(schema.contacts).values({ id: contactId, orgId, firstName: "Jane", lastName: "Customer", email: contactEmail, companyId, createdAt: now, updatedAt: now } as typeof schema.contacts.$inferInsert);
  const id = newId();
  const lines = Array.from({ length: count }, (_, i) => {
    const input = { quantity: 2, unitPrice: 10_000 + i * 150, discountBps: 0, taxRateBps: 1900 };
    return { id: newId(), orgId, invoiceId: id, position: i, description: `Implementation package ${i + 1}`, ...input, ...lineAmounts(input), gross: undefined };
  });
  const totals = documentTotals(lines);
  const row: typeof schema.invoices.$inferInsert = {
    id,
    orgId,
    kind: "invoice",
    status: "open",
    number: `INV-2026-${String(Math.floor(Math.random() * 9000) + 1000)}`,
    sequence: Math.floor(Math.random() * 1e9),
    companyId,
    contactId,
    currency: "EUR",
    issueDate: "2026-03-05",
    dueDate: "2026-04-04",
    ...totals,
    amountDue: totals.total,
    finalizedAt: now,
    createdAt: now,
    updatedAt: now,
    ...invoiceFields,
  };
  await db.insert(schema.invoices).values(row);
  if (lines.length) await db.insert(schema.invoiceLines).values(lines.map(({ gross: _g, ...l }) => l));
  return { ...row, companyId, contactId };
}

export async function invoiceRow(id: string) {
  return testDb().select().from(schema.invoices).where(eq(schema.invoices.id, id)).get();
}
