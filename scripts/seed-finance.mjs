// The demo's money: billing details for the demo company, a small catalog (an
// annual per-seat subscription whose lines carry a service period, services,
// hardware, and the subscription priced in EUR), line items on won and open
// demo deals, and invoices drafted from those deals: paid by bank transfer
// over the past four months (so the revenue report has months, and the
// subscriptions spread their recognized revenue), one partly paid, some not
// yet due, overdue ones in every aging bucket, one voided and reissued, one
// written off; plus a quote in EUR still open and an accepted one whose
// invoice waits as a draft. One open deal keeps its lines and no document, for
// a new user to issue an invoice from. Issue and due dates are set on the
// drafts (the API takes them), so the history is backdated without touching
// the database. Public API only, seeded generator, dates relative to now;
// idempotent: an organization that has products already is left as it is.
import { rng } from "./demo-data.mjs";
import { pastBusinessTime } from "./demo-time.mjs";
import { pool, seedApi } from "./seed-api.mjs";

const TERMS = 30;

const PRODUCTS = {
  seat: { name: "NeuraCRM seat, annual subscription", sku: "NC-SEAT-12", description: "One named user, billed yearly in advance", unitPrice: 48_000, currency: "USD", taxRateBps: 0, defaultPeriodMonths: 12 },
  onboarding: { name: "Onboarding package", sku: "NC-ONB", description: "Workspace setup, data import and two admin sessions", unitPrice: 450_000, currency: "USD", taxRateBps: 0 },
  migration: { name: "Data migration, per consultant day", sku: "NC-MIG-DAY", description: "Moving records, files and history from another CRM", unitPrice: 120_000, currency: "USD", taxRateBps: 0 },
  headset: { name: "Call center headset", sku: "HW-HS-200", description: "USB-C, noise cancelling, two-year warranty", unitPrice: 18_900, currency: "USD", taxRateBps: 825 },
  phone: { name: "SIP desk phone", sku: "HW-PH-310", description: "Color display, PoE, provisioned for the call center", unitPrice: 24_900, currency: "USD", taxRateBps: 825 },
  seatEu: { name: "NeuraCRM seat, annual subscription (EU)", sku: "NC-SEAT-12-EU", description: "One named user, billed yearly in advance; hosted in the EU", unitPrice: 44_000, currency: "EUR", taxRateBps: 1900, defaultPeriodMonths: 12 },
};

const SETTINGS = {
  legalName: "Acme Demo Inc.",
  address: "350 Mission Street, Suite 1200\nSan Francisco, CA 94105\nUnited States",
  taxId: "84-1234567",
  email: "billing@acme-demo.example",
  defaultDueDays: TERMS,
  quoteValidDays: 30,
  paymentTerms: "Net 30. Bank transfer to Acme Demo Inc., First Demo Bank, routing 021000021, account 4815162342; please quote the invoice number.",
  footer: "Acme Demo Inc. · billing@acme-demo.example · Thank you for your business.",
};

/**
 * The won deals' invoices, oldest first: days since issue, and what became of
 * each. `paid` and `partly` are days ago the transfer arrived; due dates are
 * the issue date plus the terms, so `issued` − 30 is the days overdue today.
 */
const WON = ["subscription", "services", "hardware", "subscription", "services", "mixed", "subscription", "services", "hardware", "services", "mixed", "subscription", "services"];
const INVOICES = [
  { deal: 12, issued: 170, writtenOff: true },
  { deal: 10, issued: 135 }, // 105 days overdue
  { deal: 0, issued: 130, paid: 118 },
  { deal: 1, issued: 105, paid: 90 },
  { deal: 9, issued: 105 }, // 75 days overdue
  { deal: 2, issued: 80, paid: 62, half: 0, memo: "First shipment: half of the order." },
  { deal: 8, issued: 74 }, // 44 days overdue
  { deal: 3, issued: 50, paid: 34 },
  { deal: 7, issued: 42 }, // 12 days overdue
  { deal: 6, issued: 38, partly: 5 }, // 40% received, the rest 8 days overdue
  { deal: 4, issued: 28, paid: 13 },
  { deal: 11, issued: 20, voided: true, extraSeats: 5 },
  { deal: 11, issued: 19, memo: "Replaces the invoice voided the day before, which billed five seats too many." },
  { deal: 5, issued: 12, paid: 2 },
  { deal: 2, issued: 9, half: 1, memo: "Second shipment: the rest of the order." },
];
/** Open deals: the first gets an accepted quote (its invoice stays a draft), the second only lines. */
const OPEN = ["mixed", "subscription"];

/** "YYYY-MM-DD" of an instant in a time zone, and calendar arithmetic on such days. */
const dayIn = (instant, timeZone) => new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
const shift = (day, { days = 0, months = 0 }) => {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1 + months, d + days)).toISOString().slice(0, 10);
};
/** A year of service from `start`: its last day is the day before the anniversary. */
const yearFrom = (start) => ({ periodStart: start, periodEnd: shift(shift(start, { months: 12 }), { days: -1 }) });

/** A deal's lines, drawn before any request so the generator's order never depends on timing. */
function drawLines(r, kind, id, serviceStart) {
  const line = (key, quantity, extra = {}) => ({ productId: id[key], quantity, discountBps: 0, ...extra });
  switch (kind) {
    case "subscription":
      return [line("seat", r.int(8, 40), { ...yearFrom(serviceStart), discountBps: r.pick([0, 1000, 1500]) }), line("onboarding", 1)];
    case "services":
      return [
        line("onboarding", 1, { discountBps: r.pick([0, 500]) }),
        line("migration", r.int(3, 10)),
        { description: "Travel and lodging, on-site training week", quantity: 1, unitPrice: r.int(40, 90) * 1_000, discountBps: 0, taxRateBps: 0 },
      ];
    case "hardware":
      return [line("headset", 2 * r.int(6, 20), { discountBps: 500 }), line("phone", 2 * r.int(2, 6), { discountBps: 500 })];
    default:
      return [line("seat", r.int(5, 20), yearFrom(serviceStart)), line("headset", r.int(5, 20))];
  }
}

export async function seedFinance({ base, token, log = console.log }) {
  const api = seedApi(base, token, "finance");
  if ((await api("/api/financial/products?per_page=1")).length > 0) return { created: false };
  const r = rng(1313);
  const [org, won, open] = await Promise.all([
    api("/api/organizations/current"),
    api("/api/deals?status=won&per_page=100&sort=title"),
    api("/api/deals?status=open&per_page=100&sort=title"),
  ]);
  const timeZone = org.settings?.timeZone ?? "UTC";
  const today = dayIn(Date.now(), timeZone);
  const daysAgo = (n) => shift(today, { days: -n });
  const office = { timeZone, workingDays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60, holidays: [] };
  // The catalog is in USD and a deal keeps its currency; a customer is needed to finalize, a contact to accept
  // the quote. One deal per company, so the invoices spread over many customers.
  const billed = new Set();
  const pick = (deals, n, fits) => {
    const picked = [];
    for (const d of deals) {
      if (picked.length === n) break;
      if (d.currency !== "USD" || !fits(d) || billed.has(d.companyId)) continue;
      billed.add(d.companyId);
      picked.push(d);
    }
    return picked;
  };
  const wonDeals = pick(won, WON.length, (d) => d.companyId);
  const openDeals = pick(open, OPEN.length, (d) => d.companyId && d.contactId);
  if (wonDeals.length < WON.length || openDeals.length < OPEN.length) {
    throw new Error(`finance seed: needs ${WON.length} won USD deals with a company and ${OPEN.length} open ones with a company and a contact (the demo's records)`);
  }

  log(`  billing settings and ${Object.keys(PRODUCTS).length} products…`);
  await api("/api/financial/settings", SETTINGS, "PUT");
  const created = await pool(Object.entries(PRODUCTS), ([, p]) => api("/api/financial/products", p));
  const id = Object.fromEntries(Object.keys(PRODUCTS).map((key, i) => [key, created[i].id]));

  // Everything random is drawn here, in a fixed order.
  const firstIssued = WON.map((_, d) => INVOICES.find((inv) => inv.deal === d).issued);
  const dealLines = [
    ...WON.map((kind, d) => ({ deal: wonDeals[d], lines: drawLines(r, kind, id, daysAgo(firstIssued[d])) })),
    ...OPEN.map((kind, o) => ({ deal: openDeals[o], lines: drawLines(r, kind, id, daysAgo(-14)) })),
  ];
  const receipts = INVOICES.map((inv) => {
    const ago = inv.paid ?? inv.partly;
    return ago === undefined ? null : { at: pastBusinessTime(r, ago, office), reference: `BT-${r.int(100_000, 999_999)}` };
  });

  log(`  line items on ${dealLines.length} deals…`);
  await pool(dealLines, ({ deal, lines }) => api(`/api/financial/deals/${deal.id}/lines`, { lines }, "PUT"));

  log(`  ${INVOICES.length} invoices and 2 quotes…`);
  const invoiceBody = (inv) => {
    const { deal, lines } = dealLines[inv.deal];
    let override;
    if (inv.half !== undefined) override = lines.map((l) => ({ ...l, quantity: inv.half === 0 ? l.quantity / 2 : l.quantity - l.quantity / 2 }));
    if (inv.extraSeats) override = lines.map((l) => (l.productId === id.seat ? { ...l, quantity: l.quantity + inv.extraSeats } : l));
    return {
      fromDealId: deal.id,
      issueDate: daysAgo(inv.issued),
      dueDate: daysAgo(inv.issued - TERMS),
      ...(inv.memo ? { memo: inv.memo } : {}),
      ...(override ? { lines: override } : {}),
    };
  };
  const accepted = dealLines[WON.length];
  const euCompany = wonDeals[1];
  const quotes = [
    // Accepted: from an open deal, its invoice waits as a draft.
    { kind: "quote", fromDealId: accepted.deal.id, issueDate: daysAgo(15), dueDate: daysAgo(-15) },
    // Open: a European subsidiary's seats in EUR, with a free-form line.
    {
      kind: "quote", companyId: euCompany.companyId, currency: "EUR", issueDate: daysAgo(6), dueDate: daysAgo(-24),
      memo: "For the Berlin office. Prices in EUR, VAT at 19%.",
      lines: [
        { productId: id.seatEu, quantity: 12, discountBps: 1000, ...yearFrom(daysAgo(-30)) },
        { description: "Remote onboarding, two sessions (EU time zones)", quantity: 1, unitPrice: 180_000, discountBps: 0, taxRateBps: 1900 },
      ],
    },
  ];
  const drafts = await pool([...INVOICES.map(invoiceBody), ...quotes], (body) => api("/api/financial/invoices", body));

  // One at a time, oldest first: the gapless numbers follow the issue dates.
  const order = drafts.map((d, i) => ({ d, i })).sort((a, b) => (a.d.issueDate < b.d.issueDate ? -1 : a.d.issueDate > b.d.issueDate ? 1 : a.i - b.i));
  for (const { d } of order) await api(`/api/financial/invoices/${d.id}/finalize`, {});

  log("  payments, a void, a write-off and the accepted quote…");
  const contact = await api(`/api/contacts/${accepted.deal.contactId}`);
  const steps = [
    ...INVOICES.flatMap((inv, i) => {
      const doc = drafts[i];
      if (receipts[i]) {
        const amount = inv.partly === undefined ? doc.total : Math.round(doc.total * 0.4);
        return [() => api("/api/financial/payments", { invoiceId: doc.id, amount, currency: doc.currency, method: "bank_transfer", receivedAt: receipts[i].at, reference: receipts[i].reference })];
      }
      if (inv.voided) return [() => api(`/api/financial/invoices/${doc.id}/void`, {})];
      if (inv.writtenOff) return [() => api(`/api/financial/invoices/${doc.id}/mark-uncollectible`, {})];
      return [];
    }),
    () => api(`/api/financial/invoices/${drafts[INVOICES.length].id}/accept`, { name: `${contact.firstName} ${contact.lastName}`.trim() }),
  ];
  await pool(steps, (step) => step());
  return { created: true };
}
