import { describe, expect, it } from "vitest";
import { documentTotals, formatMoney, isCurrency, lineAmounts, minorDigits, taxBreakdown, toMajor, toMinor } from "../../../worker/financial/money";

const line = (quantity: number, unitPrice: number, discountBps = 0, taxRateBps = 0) => ({ quantity, unitPrice, discountBps, taxRateBps });

describe("currencies", () => {
  it("knows ISO 4217 codes and refuses anything else", () => {
    expect(isCurrency("USD")).toBe(true);
    expect(isCurrency("EUR")).toBe(true);
    expect(isCurrency("JPY")).toBe(true);
    expect(isCurrency("KWD")).toBe(true);
    expect(isCurrency("usd")).toBe(false);
    expect(isCurrency("XYZ")).toBe(false);
    expect(isCurrency("US")).toBe(false);
    expect(isCurrency("USDD")).toBe(false);
  });

  it("gives each currency its own number of minor digits", () => {
    expect(minorDigits("USD")).toBe(2);
    expect(minorDigits("EUR")).toBe(2);
    expect(minorDigits("JPY")).toBe(0);
    expect(minorDigits("KWD")).toBe(3);
  });

  it("converts a deal's major amount to minor units and back, rounding half away from zero", () => {
    expect(toMinor(1234.5, "EUR")).toBe(123450);
    expect(toMinor(0.285, "USD")).toBe(29);
    expect(toMinor(1.005, "USD")).toBe(101);
    expect(toMinor(-1.005, "USD")).toBe(-101);
    expect(toMinor(1234.5, "JPY")).toBe(1235);
    expect(toMinor(1.2345, "KWD")).toBe(1235);
    expect(toMajor(123450, "EUR")).toBe(1234.5);
    expect(toMajor(1235, "JPY")).toBe(1235);
    expect(toMajor(1235, "KWD")).toBe(1.235);
    for (const minor of [0, 1, 99, 101, 123456789, 999999999999]) expect(toMinor(toMajor(minor, "USD"), "USD")).toBe(minor);
  });

  it("formats amounts in the currency's own digits", () => {
    expect(formatMoney(123450, "EUR")).toBe("€1,234.50");
    expect(formatMoney(1235, "JPY")).toBe("¥1,235");
    // ICU puts a no-break space between the code and the amount.
    expect(formatMoney(1235, "KWD")).toMatch(/^KWD\s1\.235$/);
  });
});

describe("line amounts", () => {
  it("multiplies quantity by unit price, then takes the discount and the tax, each rounded per line", () => {
    expect(lineAmounts(line(3, 1999, 1000, 1900))).toEqual({ gross: 5997, discountAmount: 600, amount: 5397, taxAmount: 1025 });
  });

  it("handles quantities with three decimals", () => {
    expect(lineAmounts(line(1.5, 10000))).toMatchObject({ gross: 15000, amount: 15000 });
    expect(lineAmounts(line(0.333, 100))).toMatchObject({ gross: 33 });
    expect(lineAmounts(line(2.125, 1001))).toMatchObject({ gross: 2127 });
  });

  it("rounds half away from zero, not to even", () => {
    expect(lineAmounts(line(0.5, 1)).gross).toBe(1);
    expect(lineAmounts(line(1.5, 1)).gross).toBe(2);
    expect(lineAmounts(line(2.5, 1)).gross).toBe(3);
    expect(lineAmounts(line(1, 5, 1000)).discountAmount).toBe(1);
    expect(lineAmounts(line(1, 25, 0, 1000)).taxAmount).toBe(3);
    expect(lineAmounts(line(1, -25, 0, 1000)).taxAmount).toBe(-3);
  });

  it("keeps yen whole: a 10% tax on ¥1,005 is ¥101", () => {
    expect(lineAmounts(line(1, 1005, 0, 1000))).toEqual({ gross: 1005, discountAmount: 0, amount: 1005, taxAmount: 101 });
  });

  it("keeps dinars to the fils: 3 minor digits", () => {
    expect(lineAmounts(line(2, 1250, 500, 500))).toEqual({ gross: 2500, discountAmount: 125, amount: 2375, taxAmount: 119 });
  });

  it("gives nothing for a full discount and no tax at rate 0", () => {
    expect(lineAmounts(line(4, 2500, 10_000, 2000))).toEqual({ gross: 10000, discountAmount: 10000, amount: 0, taxAmount: 0 });
  });

  it("stays exact past 2^53 through BigInt", () => {
    const big = lineAmounts(line(999_999.999, 9_000_000_000, 0, 0));
    // 999,999.999 × 9e9 = 8,999,999,991,000,000 exactly; floating point would lose the last digits.
    expect(BigInt(big.gross)).toBe(8_999_999_991_000_000n);
    expect(Number.isSafeInteger(lineAmounts(line(1000, 9_000_000_000_000, 2500, 1900)).amount)).toBe(true);
    expect(lineAmounts(line(1000, 9_000_000_000_000, 2500, 0)).amount).toBe(6_750_000_000_000_000);
  });
});

describe("document totals", () => {
  it("sums what the lines print: subtotal after discounts, tax per line, total = subtotal + tax", () => {
    const lines = [line(3, 1999, 1000, 1900), line(1, 333, 0, 700), line(2.5, 1001, 0, 1900)];
    const each = lines.map(lineAmounts);
    const totals = documentTotals(lines);
    expect(totals.subtotal).toBe(each.reduce((s, a) => s + a.amount, 0));
    expect(totals.discountTotal).toBe(600);
    expect(totals.tax).toBe(each.reduce((s, a) => s + a.taxAmount, 0));
    expect(totals.total).toBe(totals.subtotal + totals.tax);
    expect(totals).toEqual({ subtotal: 5397 + 333 + 2503, discountTotal: 600, tax: 1025 + 23 + 476, total: 8233 + 1524 });
  });

  it("rounds per line, so three lines of a third of a cent's tax each add up to what each prints", () => {
    const lines = [line(1, 5, 0, 1000), line(1, 5, 0, 1000), line(1, 5, 0, 1000)];
    expect(documentTotals(lines).tax).toBe(3);
  });

  it("is zero for no lines", () => {
    expect(documentTotals([])).toEqual({ subtotal: 0, discountTotal: 0, tax: 0, total: 0 });
  });

  it("summarizes taxes per rate, in rate order", () => {
    const rows = [
      { taxRateBps: 1900, amount: 1000, taxAmount: 190 },
      { taxRateBps: 700, amount: 500, taxAmount: 35 },
      { taxRateBps: 1900, amount: 2000, taxAmount: 380 },
    ];
    expect(taxBreakdown(rows)).toEqual([
      { rateBps: 700, taxable: 500, tax: 35 },
      { rateBps: 1900, taxable: 3000, tax: 570 },
    ]);
  });
});
