// Invoice PDFs: generation time (p50/p99) and size for 1 and 200 lines,
// against a baseline measured in the same run: pdf-lib making a one-page A4
// document with the same two standard fonts and one line of text, i.e. the
// cost of the library itself. The product's renderer (worker/financial/pdf/)
// is bundled and measured, not a copy. Each rendering is also checked to be
// byte-identical to the first (the snapshot guarantee), so a fast but
// nondeterministic change would fail here too.
// Target: 1 line p50 ≤ 20× the baseline's p50 (a full invoice page against
// one line of text); 200 lines (11 pages, ~3,000 strings) ≤ 150×, i.e. the
// cost grows with the pages and stays far inside a Worker's CPU budget.
// `node bench/invoice-pdf.mjs` runs it alone; it needs no server.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { printRow, summarize } from "./stats.mjs";

const root = new URL("..", import.meta.url).pathname;
const RUNS = { 1: 200, 200: 40 };
const TARGETS = { 1: 20, 200: 150 };

async function productCode() {
  const dir = mkdtempSync(join(tmpdir(), "neuracrm-pdf-bench-"));
  try {
    const entry = join(dir, "entry.ts");
    writeFileSync(entry, [
      `export { renderInvoicePdf } from ${JSON.stringify(join(root, "worker/financial/pdf/invoice-pdf.ts"))};`,
      `export { lineAmounts, documentTotals } from ${JSON.stringify(join(root, "worker/financial/money.ts"))};`,
      `export { PDFDocument, StandardFonts } from "pdf-lib";`,
    ].join("\n"));
    const outfile = join(dir, "pdf.mjs");
    await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "node", outfile, logLevel: "error", nodePaths: [join(root, "node_modules")] });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function documentWith(code, n) {
  const lines = Array.from({ length: n }, (_, i) => {
    const input = { quantity: 1 + (i % 4) * 1.5, unitPrice: 12_550 + i * 100, discountBps: i % 2 ? 1000 : 0, taxRateBps: i % 3 ? 1900 : 700 };
    return {
      description: i % 3 === 0 ? `Consulting day ${i + 1}: architecture review of the data platform, with workshops and a written report` : `Licence seat ${i + 1}`,
      periodStart: i % 4 === 0 ? "2026-01-01" : null,
      periodEnd: i % 4 === 0 ? "2026-12-31" : null,
      ...input,
      ...code.lineAmounts(input),
    };
  });
  const totals = code.documentTotals(lines);
  return {
    id: "inv_bench", kind: "invoice", status: "open", number: "INV-2026-0001", currency: "EUR", issueDate: "2026-03-05", dueDate: "2026-04-04", memo: "Thank you for your business.",
    ...totals, amountPaid: 0, amountDue: totals.total, lines,
    seller: { name: "Acme Analytics GmbH", address: "Friedrichstraße 12\n10117 Berlin", taxId: "DE123456789", email: "billing@acme.example" },
    logo: null,
    billTo: { company: "Globex Corporation", contact: "Jane Doe", email: "jane@globex.example", address: "1 Market St\nSan Francisco" },
    paymentTerms: "Payment within 30 days.", footer: "Acme Analytics GmbH · Berlin", link: "https://app.example/documents/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde",
    timestamp: Date.UTC(2026, 2, 5),
  };
}

async function sample(runs, fn) {
  for (let i = 0; i < 5; i++) await fn(); // warm-up: JIT and font metrics
  const times = [];
  let bytes;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    bytes = await fn();
    times.push(performance.now() - t0);
  }
  return { stats: summarize(times), bytes };
}

export async function benchInvoicePdf() {
  const code = await productCode();
  const baseline = await sample(RUNS[1], async () => {
    const pdf = await code.PDFDocument.create({ updateMetadata: false });
    const font = await pdf.embedFont(code.StandardFonts.Helvetica);
    await pdf.embedFont(code.StandardFonts.HelveticaBold);
    pdf.addPage([595.28, 841.89]).drawText("Invoice", { x: 48, y: 780, size: 12, font });
    return pdf.save({ useObjectStreams: false });
  });
  console.log("\ninvoice PDF (worker/financial/pdf, bundled):");
  printRow("baseline: pdf-lib, 1 page, 1 line", baseline.stats);
  console.log(`  ${"".padEnd(34)} size ${(baseline.bytes.length / 1024).toFixed(1)} KiB`);
  let failed = false;
  for (const n of [1, 200]) {
    const doc = documentWith(code, n);
    const first = await code.renderInvoicePdf(doc);
    const result = await sample(RUNS[n], async () => {
      const bytes = await code.renderInvoicePdf(doc);
      if (!Buffer.from(bytes).equals(Buffer.from(first))) throw new Error(`${n} lines: the bytes changed between renderings`);
      return bytes;
    });
    const pages = (await code.PDFDocument.load(result.bytes)).getPageCount();
    const ratio = result.stats.p50 / baseline.stats.p50;
    printRow(`invoice, ${n} line${n === 1 ? "" : "s"}`, result.stats);
    console.log(`  ${"".padEnd(34)} size ${(result.bytes.length / 1024).toFixed(1)} KiB, ${pages} page${pages === 1 ? "" : "s"}, p50 ${ratio.toFixed(1)}× baseline (target ≤ ${TARGETS[n]}×)${ratio > TARGETS[n] ? "  MISSED" : ""}`);
    failed ||= ratio > TARGETS[n];
  }
  if (failed) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await benchInvoicePdf();
