import { degrees, PDFDocument, PDFName, PDFString, rgb, StandardFonts, type PDFFont, type PDFImage, type PDFPage, type RGB } from "pdf-lib";
import type { InvoiceKind, InvoiceStatus } from "../../../schema";
import { formatMoney, taxBreakdown } from "../money";
import { encodable, printable, truncate, wrapText } from "./pdf-text";

/**
 * An invoice or quote as a PDF, from a plain description of the document (no
 * env, no database: the routes load it, tests and the bench build it). The
 * same document always gives the same bytes: the dates in the file come from
 * the document, pdf-lib's standard fonts are not subset with random tags, and
 * nothing else varies.
 */

export interface PdfLine {
  description: string;
  quantity: number;
  unitPrice: number;
  discountBps: number;
  taxRateBps: number;
  amount: number;
  discountAmount: number;
  taxAmount: number;
  periodStart: string | null;
  periodEnd: string | null;
}

export interface PdfParty {
  name: string | null;
  lines: string[];
}

export interface InvoicePdfDocument {
  id: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  number: string | null;
  currency: string;
  issueDate: string | null;
  dueDate: string | null;
  memo: string | null;
  subtotal: number;
  discountTotal: number;
  tax: number;
  total: number;
  amountPaid: number;
  amountDue: number;
  lines: PdfLine[];
  /** The organization issuing it: legal name, then address lines, tax id, email. */
  seller: { name: string; address: string | null; taxId: string | null; email: string | null };
  logo: { bytes: Uint8Array; type: "png" | "jpeg" } | null;
  /** Company, contact name, email, address. */
  billTo: { company: string | null; contact: string | null; email: string | null; address: string | null };
  paymentTerms: string | null;
  footer: string | null;
  /** The customer's page (pay or accept); printed as a clickable link when known. */
  link: string | null;
  /** Epoch ms written as the file's creation and modification date (the finalization, or the last edit of a draft). */
  timestamp: number;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const CONTENT_WIDTH = A4[0] - 2 * MARGIN;
const FOOTER_HEIGHT = 36;
const INK = rgb(0.13, 0.15, 0.2);
const MUTED = rgb(0.42, 0.45, 0.52);
const RULE = rgb(0.85, 0.87, 0.9);
const HEADER_FILL = rgb(0.95, 0.96, 0.97);
const ACCENT = rgb(0.16, 0.33, 0.75);

const COLUMNS = [
  { key: "description", title: "Description", width: 0, align: "left" },
  { key: "quantity", title: "Qty", width: 42, align: "right" },
  { key: "unitPrice", title: "Unit price", width: 78, align: "right" },
  { key: "discount", title: "Discount", width: 50, align: "right" },
  { key: "tax", title: "Tax", width: 40, align: "right" },
  { key: "amount", title: "Amount", width: 86, align: "right" },
] as const;
const CELL_PAD = 5;
const DESCRIPTION_WIDTH = CONTENT_WIDTH - COLUMNS.reduce((sum, c) => sum + c.width, 0);

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "2026-03-05" → "5 Mar 2026", from the digits alone (no time zone can move it). */
function displayDate(iso: string | null): string {
  const m = iso && /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${Number(m[3])} ${MONTHS[Number(m[2]) - 1]} ${m[1]}` : "—";
}

const PERCENT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });
const QUANTITY = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 });
const percent = (bps: number) => `${PERCENT.format(bps / 100)}%`;
const quantityText = (q: number) => QUANTITY.format(q);

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

/** Draws onto the current page and opens the next when the content reaches the footer. */
class Layout {
  page!: PDFPage;
  y = 0;
  readonly pages: PDFPage[] = [];

  constructor(
    private readonly pdf: PDFDocument,
    readonly fonts: Fonts,
    readonly money: (minor: number) => string,
  ) {}

  newPage() {
    this.page = this.pdf.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN;
  }

  get bottom() {
    return MARGIN + FOOTER_HEIGHT;
  }

  fits(height: number) {
    return this.y - height >= this.bottom;
  }

  text(value: string, x: number, y: number, opts: { size?: number; font?: PDFFont; color?: RGB; align?: "left" | "right"; width?: number } = {}) {
    const font = opts.font ?? this.fonts.regular;
    const size = opts.size ?? 9;
    const text = opts.width ? truncate(font, size, value, opts.width) : printable(font, value);
    const dx = opts.align === "right" ? -font.widthOfTextAtSize(text, size) : 0;
    this.page.drawText(text, { x: x + dx, y, size, font, color: opts.color ?? INK });
  }

  rule(y: number, color = RULE, thickness = 0.75) {
    this.page.drawLine({ start: { x: MARGIN, y }, end: { x: A4[0] - MARGIN, y }, color, thickness });
  }
}

function sellerBlock(layout: Layout, doc: InvoicePdfDocument, logo: PDFImage | null) {
  const { regular, bold } = layout.fonts;
  let y = layout.y;
  if (logo) {
    const scale = Math.min(150 / logo.width, 56 / logo.height, 1);
    const w = logo.width * scale;
    const h = logo.height * scale;
    layout.page.drawImage(logo, { x: MARGIN, y: y - h, width: w, height: h });
    y -= h + 10;
  }
  layout.text(doc.seller.name, MARGIN, y - 11, { size: 12, font: bold, width: 260 });
  y -= 15;
  const details = [...(doc.seller.address ?? "").split(/\r?\n/).filter((l) => l.trim()), doc.seller.taxId ? `Tax ID: ${doc.seller.taxId}` : "", doc.seller.email ?? ""].filter(Boolean);
  for (const line of details) {
    layout.text(line, MARGIN, y - 9, { size: 8.5, color: MUTED, font: regular, width: 260 });
    y -= 11.5;
  }
  return y;
}

function titleBlock(layout: Layout, doc: InvoicePdfDocument) {
  const { bold } = layout.fonts;
  const right = A4[0] - MARGIN;
  let y = layout.y;
  layout.text(doc.kind === "quote" ? "QUOTE" : "INVOICE", right, y - 22, { size: 24, font: bold, align: "right", color: ACCENT });
  y -= 34;
  const rows: [string, string][] = [
    [doc.kind === "quote" ? "Quote no." : "Invoice no.", doc.number ?? "Draft"],
    ["Issue date", displayDate(doc.issueDate)],
    [doc.kind === "quote" ? "Valid until" : "Due date", displayDate(doc.dueDate)],
  ];
  for (const [label, value] of rows) {
    layout.text(label, right - 110, y - 9, { size: 9, color: MUTED, align: "right" });
    layout.text(value, right, y - 9, { size: 9, font: bold, align: "right", width: 100 });
    y -= 13;
  }
  const stamp = stampOf(doc);
  if (stamp) {
    const size = 13;
    const w = bold.widthOfTextAtSize(stamp.text, size) + 16;
    y -= 6;
    layout.page.drawRectangle({ x: right - w, y: y - 20, width: w, height: 20, borderColor: stamp.color, borderWidth: 1.5, color: rgb(1, 1, 1) });
    layout.text(stamp.text, right - 8, y - 15, { size, font: bold, color: stamp.color, align: "right" });
    y -= 24;
  }
  return y;
}

function stampOf(doc: InvoicePdfDocument): { text: string; color: RGB } | null {
  switch (doc.status) {
    case "paid":
      return { text: "PAID", color: rgb(0.1, 0.55, 0.3) };
    case "accepted":
      return { text: "ACCEPTED", color: rgb(0.1, 0.55, 0.3) };
    case "declined":
      return { text: "DECLINED", color: rgb(0.7, 0.2, 0.2) };
    case "uncollectible":
      return { text: "UNCOLLECTIBLE", color: rgb(0.7, 0.2, 0.2) };
    case "open":
      return doc.amountPaid > 0 && doc.kind === "invoice" ? { text: "PARTIALLY PAID", color: rgb(0.75, 0.5, 0.05) } : null;
    default:
      return null;
  }
}

function billToBlock(layout: Layout, doc: InvoicePdfDocument) {
  const { bold } = layout.fonts;
  let y = layout.y;
  layout.text(doc.kind === "quote" ? "PREPARED FOR" : "BILL TO", MARGIN, y - 8, { size: 7.5, font: bold, color: MUTED });
  y -= 13;
  const { company, contact, email, address } = doc.billTo;
  const lines: [string, PDFFont][] = [];
  if (company) lines.push([company, bold]);
  if (contact) lines.push([contact, company ? layout.fonts.regular : bold]);
  for (const l of (address ?? "").split(/\r?\n/).filter((l) => l.trim())) lines.push([l, layout.fonts.regular]);
  if (email) lines.push([email, layout.fonts.regular]);
  if (!lines.length) lines.push(["—", layout.fonts.regular]);
  for (const [line, font] of lines) {
    layout.text(line, MARGIN, y - 9.5, { size: 10, font, width: 300 });
    y -= 13;
  }
  return y;
}

function columnX() {
  const xs: number[] = [];
  let x = MARGIN;
  for (const c of COLUMNS) {
    xs.push(x);
    x += c.width || DESCRIPTION_WIDTH;
  }
  return xs;
}
const XS = columnX();

function tableHeader(layout: Layout) {
  const h = 20;
  layout.page.drawRectangle({ x: MARGIN, y: layout.y - h, width: CONTENT_WIDTH, height: h, color: HEADER_FILL });
  COLUMNS.forEach((c, i) => {
    const x = c.align === "right" ? XS[i]! + (c.width || DESCRIPTION_WIDTH) - CELL_PAD : XS[i]! + CELL_PAD;
    layout.text(c.title.toUpperCase(), x, layout.y - 13.5, { size: 7.5, font: layout.fonts.bold, color: MUTED, align: c.align });
  });
  layout.y -= h;
}

interface LineRow {
  description: string[];
  period: string | null;
  cells: string[];
  height: number;
}

function lineRow(layout: Layout, line: PdfLine): LineRow {
  const description = wrapText(layout.fonts.regular, 9, line.description, DESCRIPTION_WIDTH - 2 * CELL_PAD);
  const period = line.periodStart && line.periodEnd ? `Service period: ${displayDate(line.periodStart)} – ${displayDate(line.periodEnd)}` : null;
  const cells = [
    quantityText(line.quantity),
    layout.money(line.unitPrice),
    line.discountBps ? `${percent(line.discountBps)}` : "—",
    percent(line.taxRateBps),
    layout.money(line.amount),
  ];
  const height = 8 + description.length * 11.5 + (period ? 10.5 : 0) + 4;
  return { description, period, cells, height };
}

function drawRow(layout: Layout, row: LineRow) {
  let y = layout.y - 6;
  const top = y;
  for (const l of row.description) {
    layout.text(l, XS[0]! + CELL_PAD, y - 8.5, { size: 9 });
    y -= 11.5;
  }
  if (row.period) {
    layout.text(row.period, XS[0]! + CELL_PAD, y - 8, { size: 7.5, color: MUTED, width: DESCRIPTION_WIDTH - 2 * CELL_PAD });
  }
  row.cells.forEach((cell, i) => {
    const c = COLUMNS[i + 1]!;
    layout.text(cell, XS[i + 1]! + c.width - CELL_PAD, top - 8.5, { size: 9, align: "right", width: c.width - 2 * CELL_PAD, font: i === 4 ? layout.fonts.bold : layout.fonts.regular });
  });
  layout.y -= row.height;
  layout.rule(layout.y);
}

/** The heading of a continuation page: who, which document, where the table resumes. */
function continuationHeader(layout: Layout, doc: InvoicePdfDocument) {
  const title = `${doc.kind === "quote" ? "Quote" : "Invoice"} ${doc.number ?? "(draft)"}`;
  layout.text(doc.seller.name, MARGIN, layout.y - 10, { size: 10, font: layout.fonts.bold, width: 300 });
  layout.text(title, A4[0] - MARGIN, layout.y - 10, { size: 10, font: layout.fonts.bold, align: "right", color: ACCENT });
  layout.y -= 26;
}

function summaryRows(doc: InvoicePdfDocument, money: (n: number) => string) {
  const rows: { label: string; value: string; strong?: boolean }[] = [];
  if (doc.discountTotal) {
    rows.push({ label: "Gross", value: money(doc.subtotal + doc.discountTotal) });
    rows.push({ label: "Discount", value: money(-doc.discountTotal) });
  }
  rows.push({ label: "Subtotal", value: money(doc.subtotal) });
  rows.push({ label: "Tax", value: money(doc.tax) });
  rows.push({ label: "Total", value: money(doc.total), strong: doc.kind === "quote" });
  if (doc.kind === "invoice") {
    rows.push({ label: "Amount paid", value: money(doc.amountPaid) });
    rows.push({ label: "Amount due", value: money(doc.status === "void" ? 0 : doc.amountDue), strong: true });
  }
  return rows;
}

function totalsHeight(doc: InvoicePdfDocument, taxRows: number) {
  const right = summaryRows(doc, String).length * 15 + 12;
  const left = (taxRows + 1) * 13 + 12;
  return Math.max(right, left) + 16;
}

function totalsBlock(layout: Layout, doc: InvoicePdfDocument, taxes: ReturnType<typeof taxBreakdown>) {
  const { bold } = layout.fonts;
  const top = layout.y - 12;
  // Tax summary per rate, on the left.
  const tx = [MARGIN, MARGIN + 70, MARGIN + 170, MARGIN + 250];
  let y = top;
  layout.text("TAX RATE", tx[0]!, y - 8, { size: 7.5, font: bold, color: MUTED });
  layout.text("TAXABLE", tx[2]!, y - 8, { size: 7.5, font: bold, color: MUTED, align: "right" });
  layout.text("TAX", tx[3]!, y - 8, { size: 7.5, font: bold, color: MUTED, align: "right" });
  y -= 13;
  for (const t of taxes) {
    layout.text(percent(t.rateBps), tx[0]!, y - 8.5, { size: 8.5 });
    layout.text(layout.money(t.taxable), tx[2]!, y - 8.5, { size: 8.5, align: "right", width: 95 });
    layout.text(layout.money(t.tax), tx[3]!, y - 8.5, { size: 8.5, align: "right", width: 75 });
    y -= 13;
  }
  // Totals, on the right.
  const right = A4[0] - MARGIN;
  const labelX = right - 200;
  let ry = top;
  for (const row of summaryRows(doc, layout.money)) {
    if (row.strong) {
      layout.page.drawRectangle({ x: labelX - 6, y: ry - 15, width: right - labelX + 6, height: 17, color: HEADER_FILL });
    }
    layout.text(row.label, labelX, ry - 10, { size: row.strong ? 10 : 9, font: row.strong ? bold : layout.fonts.regular, color: row.strong ? INK : MUTED });
    layout.text(row.value, right - CELL_PAD, ry - 10, { size: row.strong ? 10 : 9, font: row.strong ? bold : layout.fonts.regular, align: "right", width: 120 });
    ry -= 15;
  }
  layout.y = Math.min(y, ry) - 16;
}

/** Terms, memo and the customer's link: paragraphs that may flow onto another page. */
function closingBlock(layout: Layout, doc: InvoicePdfDocument) {
  const { regular, bold } = layout.fonts;
  const paragraph = (heading: string, body: string) => {
    const lines = wrapText(regular, 9, body, CONTENT_WIDTH);
    if (!layout.fits(14 + Math.min(lines.length, 3) * 12)) layout.newPage();
    layout.text(heading, MARGIN, layout.y - 8, { size: 7.5, font: bold, color: MUTED });
    layout.y -= 13;
    for (const line of lines) {
      if (!layout.fits(12)) layout.newPage();
      layout.text(line, MARGIN, layout.y - 9, { size: 9 });
      layout.y -= 12;
    }
    layout.y -= 8;
  };
  if (doc.memo?.trim()) paragraph("NOTES", doc.memo);
  if (doc.paymentTerms?.trim() && doc.kind === "invoice") paragraph("PAYMENT TERMS", doc.paymentTerms);
  const linkWanted = doc.link && (doc.kind === "quote" ? doc.status === "open" : doc.status === "open" && doc.amountDue > 0);
  if (linkWanted && doc.link) {
    if (!layout.fits(40)) layout.newPage();
    const label = doc.kind === "quote" ? "Review and accept online" : "View and pay online";
    layout.text(label.toUpperCase(), MARGIN, layout.y - 8, { size: 7.5, font: bold, color: MUTED });
    layout.y -= 13;
    let size = 9;
    const url = printable(regular, doc.link);
    while (size > 6 && regular.widthOfTextAtSize(url, size) > CONTENT_WIDTH) size -= 0.5;
    const width = Math.min(regular.widthOfTextAtSize(url, size), CONTENT_WIDTH);
    const y = layout.y - 9;
    layout.page.drawText(url, { x: MARGIN, y, size, font: regular, color: ACCENT });
    layout.page.drawLine({ start: { x: MARGIN, y: y - 1.5 }, end: { x: MARGIN + width, y: y - 1.5 }, color: ACCENT, thickness: 0.5 });
    linkAnnotation(layout.page, doc.link, [MARGIN, y - 3, MARGIN + width, y + size]);
    layout.y -= 20;
  }
}

function linkAnnotation(page: PDFPage, url: string, rect: [number, number, number, number]) {
  const context = page.doc.context;
  const annotation = context.register(
    context.obj({ Type: "Annot", Subtype: "Link", Rect: rect, Border: [0, 0, 0], A: { Type: "Action", S: "URI", URI: PDFString.of(url) } }),
  );
  page.node.set(PDFName.of("Annots"), context.obj([annotation]));
}

function watermark(layout: Layout, page: PDFPage, text: string, color: RGB) {
  const size = 110;
  const width = layout.fonts.bold.widthOfTextAtSize(text, size);
  const angle = 35;
  const rad = (angle * Math.PI) / 180;
  const cx = A4[0] / 2;
  const cy = A4[1] / 2;
  page.drawText(text, {
    x: cx - (Math.cos(rad) * width) / 2 + (Math.sin(rad) * size * 0.35),
    y: cy - (Math.sin(rad) * width) / 2 - (Math.cos(rad) * size * 0.35),
    size,
    font: layout.fonts.bold,
    color,
    opacity: 0.12,
    rotate: degrees(angle),
  });
}

function pageFooters(layout: Layout, doc: InvoicePdfDocument) {
  const count = layout.pages.length;
  layout.pages.forEach((page, i) => {
    layout.page = page;
    layout.rule(MARGIN + 22);
    if (doc.footer?.trim()) layout.text(doc.footer, MARGIN, MARGIN + 8, { size: 7.5, color: MUTED, width: CONTENT_WIDTH - 90 });
    layout.text(`Page ${i + 1} of ${count}`, A4[0] - MARGIN, MARGIN + 8, { size: 7.5, color: MUTED, align: "right" });
    if (doc.status === "void") watermark(layout, page, "VOID", rgb(0.8, 0.1, 0.1));
    else if (doc.status === "draft") watermark(layout, page, "DRAFT", rgb(0.3, 0.3, 0.3));
  });
}

/** Amounts per currency ("€1,234.50", "¥1,235"); a symbol WinAnsi lacks (₹, ₩) prints as the ISO code instead of "?". */
function moneyFormatter(font: PDFFont, currency: string) {
  return (minor: number) => {
    const text = formatMoney(minor, currency);
    if (encodable(font, text)) return text;
    return formatMoney(minor, currency).replace(/[^\d.,\s-]+/g, "").trim().replace(/^(-?)/, `$1${currency} `);
  };
}

/** A logo pdf-lib cannot read is left out: a broken upload must not cost the customer their invoice. */
async function embedLogo(pdf: PDFDocument, logo: NonNullable<InvoicePdfDocument["logo"]>): Promise<PDFImage | null> {
  try {
    return await (logo.type === "png" ? pdf.embedPng(logo.bytes) : pdf.embedJpg(logo.bytes));
  } catch {
    return null;
  }
}

export async function renderInvoicePdf(doc: InvoicePdfDocument): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const when = new Date(doc.timestamp);
  const title = `${doc.kind === "quote" ? "Quote" : "Invoice"} ${doc.number ?? "draft"}`;
  pdf.setTitle(title);
  pdf.setAuthor(doc.seller.name);
  pdf.setSubject(`${title} from ${doc.seller.name}`);
  pdf.setProducer("NeuraCRM");
  pdf.setCreator("NeuraCRM");
  pdf.setCreationDate(when);
  pdf.setModificationDate(when);
  const fonts = { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) };
  const logo = doc.logo ? await embedLogo(pdf, doc.logo) : null;
  const layout = new Layout(pdf, fonts, moneyFormatter(fonts.regular, doc.currency));

  layout.newPage();
  const afterSeller = sellerBlock(layout, doc, logo);
  const afterTitle = titleBlock(layout, doc);
  layout.y = Math.min(afterSeller, afterTitle) - 18;
  layout.y = billToBlock(layout, doc) - 18;

  const taxes = taxBreakdown(doc.lines);
  const closing = totalsHeight(doc, taxes.length);
  tableHeader(layout);
  doc.lines.forEach((line, i) => {
    const row = lineRow(layout, line);
    const last = i === doc.lines.length - 1;
    // The last row goes with the totals: a page that ends on totals alone reads as a separate document.
    if (!layout.fits(row.height + (last ? closing : 0))) {
      layout.newPage();
      continuationHeader(layout, doc);
      tableHeader(layout);
    }
    drawRow(layout, row);
  });
  if (!doc.lines.length) {
    layout.text("No lines", XS[0]! + CELL_PAD, layout.y - 14, { size: 9, color: MUTED });
    layout.y -= 22;
    layout.rule(layout.y);
  }
  if (!layout.fits(closing)) {
    layout.newPage();
    continuationHeader(layout, doc);
  }
  totalsBlock(layout, doc, taxes);
  closingBlock(layout, doc);
  pageFooters(layout, doc);
  return pdf.save({ useObjectStreams: false });
}

/** The file name a download offers: the number, or the draft's id. */
export const pdfFileName = (doc: Pick<InvoicePdfDocument, "number" | "id">) => `${(doc.number ?? `draft-${doc.id}`).replace(/[^A-Za-z0-9._-]+/g, "_")}.pdf`;
