/**
 * Report periods: calendar months ("2026-03") or quarters ("2026-Q1") of the
 * organization's calendar. Recognized revenue is stored per month already;
 * payments and refunds are instants, so each month's first instant in the
 * organization's zone bounds them (DST comes from the runtime's tz data).
 */
import { localParts, localToInstant } from "../../platform/local-time";

export const REPORT_INTERVALS = ["month", "quarter"] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];

export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** A report covers at most ten years of months. */
export const MAX_REPORT_MONTHS = 120;

const pad = (n: number) => String(n).padStart(2, "0");
const monthIndex = (key: string) => Number(key.slice(0, 4)) * 12 + Number(key.slice(5, 7)) - 1;
const keyOfIndex = (i: number) => `${String(Math.floor(i / 12)).padStart(4, "0")}-${pad((i % 12) + 1)}`;

export function addMonths(key: string, n: number): string {
  return keyOfIndex(monthIndex(key) + n);
}

/** Months from `from` to `to`, both included; empty when `to` is before `from`. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let i = monthIndex(from); i <= monthIndex(to); i++) out.push(keyOfIndex(i));
  return out;
}

export function periodOfMonth(month: string, interval: ReportInterval): string {
  if (interval === "month") return month;
  return `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
}

export interface ReportPeriod {
  key: string;
  /** First and last local date, inclusive. */
  start: string;
  end: string;
}

const lastDay = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();

/** The periods of the months, in order; a quarter is cut to the months asked for. */
export function reportPeriods(months: string[], interval: ReportInterval): ReportPeriod[] {
  const periods: ReportPeriod[] = [];
  for (const month of months) {
    const key = periodOfMonth(month, interval);
    const end = `${month}-${pad(lastDay(month))}`;
    const last = periods.at(-1);
    if (last?.key === key) last.end = end;
    else periods.push({ key, start: `${month}-01`, end });
  }
  return periods;
}

/** The instant each month starts at in the zone, plus the instant after the last month. */
export function monthStarts(months: string[], timeZone: string): number[] {
  if (months.length === 0) return [];
  const keys = [...months, addMonths(months.at(-1)!, 1)];
  return keys.map((k) => localToInstant(Number(k.slice(0, 4)), Number(k.slice(5, 7)), 1, 0, timeZone));
}

/** The current month ("YYYY-MM") and day ("YYYY-MM-DD") in the zone. */
export function localToday(now: number, timeZone: string): { month: string; day: string } {
  const p = localParts(now, timeZone);
  const month = `${String(p.year).padStart(4, "0")}-${pad(p.month)}`;
  return { month, day: `${month}-${pad(p.day)}` };
}
