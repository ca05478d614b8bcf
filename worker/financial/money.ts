import type { InvoiceLine } from "../../schema";

/**
 * Money arithmetic shared by lines, invoices, PDFs and revenue. Amounts are
 * integers in the currency's minor unit; a currency's number of minor digits
 * is ISO 4217's as the runtime's ICU data knows it (JPY 0, EUR 2, KWD 3), so
 * "rounding follows the currency" means rounding to whole minor units. The
 * products are computed in BigInt: quantity (3 decimals) × unit price can
 * pass 2^53 for large catalogs.
 *
 * A line: gross = quantity × unit price; discount = gross × discount rate;
 * amount = gross − discount; tax = amount × tax rate. Each is rounded half
 * away from zero, per line (as Stripe and most tax authorities do), so the
 * document's totals are sums of what its lines print:
 * subtotal = Σ amount (after discounts), discountTotal = Σ discount,
 * tax = Σ tax, total = subtotal + tax.
 */

const SUPPORTED = new Set(Intl.supportedValuesOf("currency"));

export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && SUPPORTED.has(code);
}

const digitsCache = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency (JPY 0, USD 2, KWD 3). */
export function minorDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, digits);
  }
  return digits;
}

/** A major-unit amount (a deal's 1234.5 EUR) in minor units (123450), rounded half away from zero. */
export function toMinor(major: number, currency: string): number {
  const scaled = major * 10 ** minorDigits(currency);
  return Math.sign(scaled) * Math.round(Math.abs(scaled) + 1e-9);
}

export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

/** Building an Intl.NumberFormat costs more than formatting with it (a 200-line PDF formats ~1,000 amounts). */
const moneyFormats = new Map<string, Intl.NumberFormat>();

/** For display and PDFs: "€1,234.50", "¥1,235". */
export function formatMoney(minor: number, currency: string, locale = "en-US"): string {
  const key = `${locale} ${currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "currency", currency });
    moneyFormats.set(key, format);
  }
  return format.format(toMajor(minor, currency));
}

/** numerator / denominator rounded half away from zero, in BigInt. */
function divRound(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

export interface LineInput {
  quantity: number;
  unitPrice: number;
  discountBps: number;
  taxRateBps: number;
}

export interface LineAmounts {
  gross: number;
  discountAmount: number;
  amount: number;
  taxAmount: number;
}

export function lineAmounts(line: LineInput): LineAmounts {
  const milli = BigInt(Math.round(line.quantity * 1000));
  const gross = divRound(milli * BigInt(line.unitPrice), 1000n);
  const discount = divRound(gross * BigInt(line.discountBps), 10_000n);
  const amount = gross - discount;
  const tax = divRound(amount * BigInt(line.taxRateBps), 10_000n);
  return { gross: Number(gross), discountAmount: Number(discount), amount: Number(amount), taxAmount: Number(tax) };
}

export interface DocumentTotals {
  subtotal: number;
  discountTotal: number;
  tax: number;
  total: number;
}

export function documentTotals(lines: readonly LineInput[]): DocumentTotals {
  let subtotal = 0;
  let discountTotal = 0;
  let tax = 0;
  for (const line of lines) {
    const a = lineAmounts(line);
    subtotal += a.amount;
    discountTotal += a.discountAmount;
    tax += a.taxAmount;
  }
  return { subtotal, discountTotal, tax, total: subtotal + tax };
}

/** Tax per rate, as a document's tax summary prints it (rate in basis points → taxable amount and tax). */
export function taxBreakdown(lines: readonly Pick<InvoiceLine, "taxRateBps" | "amount" | "taxAmount">[]) {
  const byRate = new Map<number, { rateBps: number; taxable: number; tax: number }>();
  for (const line of lines) {
    const row = byRate.get(line.taxRateBps) ?? { rateBps: line.taxRateBps, taxable: 0, tax: 0 };
    row.taxable += line.amount;
    row.tax += line.taxAmount;
    byRate.set(line.taxRateBps, row);
  }
  return [...byRate.values()].sort((a, b) => a.rateBps - b.rateBps);
}
