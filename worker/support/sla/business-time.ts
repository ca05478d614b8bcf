/**
 * Business time: SLA targets count only the working hours of an
 * organization's calendar, in its IANA time zone. Pure functions over epoch
 * milliseconds; time-zone offsets come from Intl, so DST is whatever the
 * runtime's tz database says it is. A working day is the span between its
 * local start and end instants, so a day crossing a DST change has its real
 * (shorter or longer) length.
 */
import { dateKey, localParts, localToInstant, type LocalDate } from "../../platform/local-time";

export interface BusinessCalendar {
  timeZone: string;
  /** ISO weekdays worked: 1 = Monday ... 7 = Sunday. */
  workingDays: number[];
  /** Minutes after local midnight, [startMinute, endMinute). */
  startMinute: number;
  endMinute: number;
  /** Local dates "YYYY-MM-DD" not worked. */
  holidays: string[];
}

export const DEFAULT_CALENDAR: BusinessCalendar = {
  timeZone: "UTC",
  workingDays: [1, 2, 3, 4, 5],
  startMinute: 9 * 60,
  endMinute: 17 * 60,
  holidays: [],
};

const MINUTE = 60_000;
/** Ten years of days: a calendar with no working time at all never loops forever. */
const MAX_DAYS = 3660;

function nextDate(d: LocalDate): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function isoWeekday(d: LocalDate): number {
  const w = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return w === 0 ? 7 : w;
}

/** The working span [start, end) of a local date, or null when the day is not worked. */
function workingSpan(d: LocalDate, cal: BusinessCalendar): [number, number] | null {
  if (!cal.workingDays.includes(isoWeekday(d)) || cal.holidays.includes(dateKey(d))) return null;
  const start = localToInstant(d.year, d.month, d.day, cal.startMinute, cal.timeZone);
  const end = localToInstant(d.year, d.month, d.day, cal.endMinute, cal.timeZone);
  return end > start ? [start, end] : null;
}

function assertUsable(cal: BusinessCalendar) {
  if (cal.workingDays.length === 0 || cal.endMinute <= cal.startMinute) {
    throw new RangeError("The calendar has no working time");
  }
}

/** The instant `minutes` business minutes after `from`. Zero minutes answers `from` itself. */
export function addBusinessMinutes(from: number, minutes: number, cal: BusinessCalendar): number {
  if (minutes <= 0) return from;
  assertUsable(cal);
  let remaining = Math.round(minutes * MINUTE);
  const p = localParts(from, cal.timeZone);
  let date: LocalDate = { year: p.year, month: p.month, day: p.day };
  for (let i = 0; i < MAX_DAYS; i++, date = nextDate(date)) {
    const span = workingSpan(date, cal);
    if (!span) continue;
    const start = Math.max(span[0], from);
    if (start >= span[1]) continue;
    const available = span[1] - start;
    if (remaining <= available) return start + remaining;
    remaining -= available;
  }
  throw new RangeError("The calendar has no working time in the next ten years");
}

/** Business minutes between two instants (0 when `to` is not after `from`). */
export function businessMinutesBetween(from: number, to: number, cal: BusinessCalendar): number {
  if (to <= from) return 0;
  assertUsable(cal);
  let total = 0;
  const p = localParts(from, cal.timeZone);
  let date: LocalDate = { year: p.year, month: p.month, day: p.day };
  for (let i = 0; i < MAX_DAYS; i++, date = nextDate(date)) {
    const span = workingSpan(date, cal);
    const dayStart = localToInstant(date.year, date.month, date.day, 0, cal.timeZone);
    if (dayStart >= to) break;
    if (!span) continue;
    const start = Math.max(span[0], from);
    const end = Math.min(span[1], to);
    if (end > start) total += end - start;
  }
  return total / MINUTE;
}
