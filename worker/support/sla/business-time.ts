/**
 * Business time: SLA targets count only the working hours of an
 * organization's calendar, in its IANA time zone. Pure functions over epoch
 * milliseconds; time-zone offsets come from Intl, so DST is whatever the
 * runtime's tz database says it is. A working day is the span between its
 * local start and end instants, so a day crossing a DST change has its real
 * (shorter or longer) length.
 */
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

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(instant: number, timeZone: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== "literal") out[p.type] = Number(p.value);
  }
  return out as unknown as LocalParts;
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
function offsetAt(instant: number, timeZone: string): number {
  const p = localParts(instant, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time. A time skipped by a spring-forward
 * gap resolves to the instant just after the gap; an ambiguous fall-back time
 * to its first occurrence.
 */
export function localToInstant(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  if (first === second) return first;
  // Two candidates: keep one that reads back as the wall time, earliest first.
  const readsBack = (t: number) => t + offsetAt(t, timeZone) === wall;
  const candidates = [first, second].filter(readsBack).sort((a, b) => a - b);
  return candidates[0] ?? Math.max(first, second);
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const dateKey = (d: LocalDate) => `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

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

/** The local date ("YYYY-MM-DD") of an instant in a time zone, for per-day reports. */
export function localDateOf(instant: number, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return dateKey(p);
}
