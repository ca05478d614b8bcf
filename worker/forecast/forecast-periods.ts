/**
 * Forecast periods are calendar months ("2026-12") or quarters ("2026-Q4") of
 * the organization's local calendar. A deal's close date is already a local
 * date, so it maps to its period without a time zone; instants (when a deal
 * was won, "today") go through the organization's zone first.
 */
import { localDateOf, localParts } from "../platform/local-time";

export const INTERVALS = ["month", "quarter"] as const;
export type Interval = (typeof INTERVALS)[number];

export const MONTH_KEY = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const QUARTER_KEY = /^(\d{4})-Q([1-4])$/;
export const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface Period {
  key: string;
  /** First and last local date of the period, inclusive. */
  start: string;
  end: string;
}

const pad = (n: number) => String(n).padStart(2, "0");
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The period of a local date ("YYYY-MM-DD"). */
export function periodOf(localDate: string, interval: Interval): string {
  const year = localDate.slice(0, 4);
  const month = Number(localDate.slice(5, 7));
  return interval === "month" ? `${year}-${pad(month)}` : `${year}-Q${Math.ceil(month / 3)}`;
}

/** A period key's bounds, or null when it is not a month or quarter key. */
export function periodBounds(key: string): Period | null {
  const m = MONTH_KEY.exec(key);
  if (m) {
    const [year, month] = [Number(m[1]), Number(m[2])];
    return { key, start: `${m[1]}-${m[2]}-01`, end: `${m[1]}-${m[2]}-${pad(daysInMonth(year, month))}` };
  }
  const q = QUARTER_KEY.exec(key);
  if (q) {
    const year = Number(q[1]);
    const first = (Number(q[2]) - 1) * 3 + 1;
    return { key, start: `${q[1]}-${pad(first)}-01`, end: `${q[1]}-${pad(first + 2)}-${pad(daysInMonth(year, first + 2))}` };
  }
  return null;
}

export const intervalOfKey = (key: string): Interval | null => (MONTH_KEY.test(key) ? "month" : QUARTER_KEY.test(key) ? "quarter" : null);

/** The key `steps` periods after (or before, when negative) `key`. */
export function shiftPeriod(key: string, steps: number): string {
  const interval = intervalOfKey(key);
  const bounds = periodBounds(key);
  if (!interval || !bounds) throw new Error(`Not a period key: ${key}`);
  const year = Number(bounds.start.slice(0, 4));
  const month = Number(bounds.start.slice(5, 7)) - 1 + steps * (interval === "month" ? 1 : 3);
  const y = year + Math.floor(month / 12);
  const m = (((month % 12) + 12) % 12) + 1;
  return periodOf(`${y}-${pad(m)}-01`, interval);
}

/** Every period from the one holding `from` to the one holding `to` (local dates), in order. */
export function periodsBetween(from: string, to: string, interval: Interval): Period[] {
  const out: Period[] = [];
  const last = periodOf(to, interval);
  for (let key = periodOf(from, interval); ; key = shiftPeriod(key, 1)) {
    out.push(periodBounds(key)!);
    if (key === last) return out;
  }
}

/** Today's local date in the zone. */
export const localToday = (now: number, timeZone: string) => localDateOf(now, timeZone);

/** The ISO 8601 week ("2026-W49") of an instant, in the zone's calendar. */
export function isoWeekOf(instant: number, timeZone: string): string {
  const p = localParts(instant, timeZone);
  const day = new Date(Date.UTC(p.year, p.month - 1, p.day));
  const weekday = day.getUTCDay() || 7;
  // The week belongs to the year of its Thursday.
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${pad(week)}`;
}
