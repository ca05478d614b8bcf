/**
 * How one paid line's revenue falls into months ("YYYY-MM", the organization's
 * calendar). Pure, so it is tested on its own.
 *
 * A line without a service period is recognized whole in the month it was paid.
 * A line with one is cut into service months at the monthly anniversaries of
 * its start (Jan 15 → Feb 15 → …; a start on the 31st falls on the last day of
 * shorter months), a last shorter stretch counting as a whole month. Each
 * service month gets an equal share, recognized in the calendar month it starts
 * in. So a 12-month subscription is 12 entries whatever day it starts, and a
 * period running from the 1st to a month's last day is exactly its calendar
 * months. Shares are whole minor units: the remainder goes one unit at a time
 * to the first months, so the entries always sum to the line's amount (a
 * month whose share is nothing, a few cents over many months, gets no entry).
 */

export interface RevenueShare {
  period: string;
  amount: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Enough for any real contract; a longer period is treated as this many months so one line cannot write thousands of rows. */
export const MAX_SERVICE_MONTHS = 120;

const monthKey = (year: number, month: number) => `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function parse(date: string): { year: number; month: number; day: number } | null {
  const m = DATE.exec(date);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  return { year, month, day };
}

/** The calendar months ("YYYY-MM") in which a period's service months start; null when the period is not a valid, ordered pair of dates. */
export function serviceMonths(periodStart: string, periodEnd: string): string[] | null {
  const start = parse(periodStart);
  const end = parse(periodEnd);
  if (!start || !end || periodEnd < periodStart) return null;
  const months: string[] = [];
  for (let k = 0; months.length < MAX_SERVICE_MONTHS; k++) {
    const index = start.month - 1 + k;
    const year = start.year + Math.floor(index / 12);
    const month = (index % 12) + 1;
    const day = Math.min(start.day, daysIn(year, month));
    const anniversary = `${monthKey(year, month)}-${String(day).padStart(2, "0")}`;
    if (anniversary > periodEnd) break;
    months.push(monthKey(year, month));
  }
  return months;
}

/** `amount` split into `parts` whole units, the remainder one unit each to the first parts (a negative amount splits as its absolute value). */
export function splitEvenly(amount: number, parts: number): number[] {
  if (!Number.isSafeInteger(amount)) throw new RangeError("amount must be a whole number of minor units");
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError("parts must be a positive integer");
  const sign = amount < 0 ? -1 : 1;
  const abs = Math.abs(amount);
  const base = Math.floor(abs / parts);
  const remainder = abs - base * parts;
  return Array.from({ length: parts }, (_, i) => sign * (base + (i < remainder ? 1 : 0)) || 0);
}

export interface SpreadLine {
  amount: number;
  periodStart: string | null;
  periodEnd: string | null;
}

/**
 * The revenue shares of one line paid in `paidMonth` ("YYYY-MM"). A zero line
 * recognizes nothing; a line with only one end of a period, or an invalid
 * one, is recognized in the month paid.
 */
export function spreadRevenue(line: SpreadLine, paidMonth: string): RevenueShare[] {
  if (line.amount === 0) return [];
  const months = line.periodStart && line.periodEnd ? serviceMonths(line.periodStart, line.periodEnd) : null;
  if (!months || months.length === 0) return [{ period: paidMonth, amount: line.amount }];
  const shares = splitEvenly(line.amount, months.length);
  return months.map((period, i) => ({ period, amount: shares[i] ?? 0 })).filter((s) => s.amount !== 0);
}
