import { invalid } from "../platform/errors";

/** Milliseconds the zone's wall clock is ahead of UTC at `at`. */
export function zoneOffset(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" })
      .formatToParts(new Date(at))
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(at / 1000) * 1000;
}

/** The local hour of day (0-23) of `at` in `timeZone`. */
export function localHour(at: number, timeZone: string): number {
  return new Date(at + zoneOffset(at, timeZone)).getUTCHours();
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A query bound as epoch ms: epoch milliseconds, an ISO date-time, or a date
 * (YYYY-MM-DD) read in the organization's time zone — its start for `from`,
 * the start of the next day for `to`, so a date range includes its last day.
 */
export function parseBound(value: string | undefined, timeZone: string, edge: "from" | "to", field: string): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{1,16}$/.test(value)) return Number(value);
  if (DATE_ONLY.test(value)) {
    const utcMidnight = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(utcMidnight)) throw invalid({ [field]: ["Not a date"] });
    const day = edge === "to" ? utcMidnight + 86_400_000 : utcMidnight;
    // Wall-clock midnight in the zone: shift by the offset in force around then.
    return day - zoneOffset(day - zoneOffset(day, timeZone), timeZone);
  }
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw invalid({ [field]: ["Use epoch milliseconds, an ISO 8601 date-time or YYYY-MM-DD"] });
  return parsed;
}
