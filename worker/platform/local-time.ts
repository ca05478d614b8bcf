/**
 * Wall-clock time in an IANA time zone: offsets come from Intl, so DST is
 * whatever the runtime's tz database says it is. Support's business hours,
 * activity due dates and per-day reports all read local dates through here.
 */
import { eq } from "drizzle-orm";
import { organizations } from "../../schema";
import type { Db } from "./db";

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

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(instant: number, timeZone: string): LocalParts {
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

export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export const dateKey = (d: LocalDate) => `${d.year}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;

/** The local date ("YYYY-MM-DD") of an instant in a time zone, for per-day reports. */
export function localDateOf(instant: number, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return dateKey(p);
}

/** The organization's IANA time zone; UTC when unset or unknown to the runtime. */
export async function orgTimeZone(db: Db, orgId: string): Promise<string> {
  const org = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)).get();
  const zone = org?.settings.timeZone;
  if (!zone) return "UTC";
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone;
  } catch (err) {
    if (err instanceof RangeError) return "UTC";
    throw err;
  }
}
