import { describe, expect, it } from "vitest";
import { pastBusinessTime } from "../../../scripts/demo-time.mjs";
import { localDateOf } from "../../../worker/platform/local-time";
import { businessMinutesBetween, type BusinessCalendar } from "../../../worker/support/sla/business-time";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** The two extremes of the seed's random choice: the first and the last minute it may pick. */
const earliest = { int: (min: number) => min };
const latest = { int: (_min: number, max: number) => max };

const demoDesk: BusinessCalendar = {
  timeZone: "Europe/Berlin",
  workingDays: [1, 2, 3, 4, 5, 6, 7],
  startMinute: 7 * 60,
  endMinute: 22 * 60,
  holidays: ["2026-12-25", "2026-12-26", "2027-01-01"],
};
const calendars: BusinessCalendar[] = [
  demoDesk,
  { timeZone: "America/Adak", workingDays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60, holidays: ["2026-11-26"] },
  { timeZone: "Pacific/Kiritimati", workingDays: [1, 2, 3, 4, 5], startMinute: 0, endMinute: 24 * 60, holidays: [] },
];

/** Every half hour of a few days around DST changes on both sides of the Atlantic, a month end and the year's end. */
const moments = ["2026-03-06", "2026-03-27", "2026-10-23", "2026-10-30", "2026-12-24", "2026-12-30"].flatMap((first) =>
  Array.from({ length: 4 * 48 }, (_, i) => Date.parse(`${first}T00:00:00Z`) + i * 30 * MIN),
);

const inWorkingHours = (t: number, cal: BusinessCalendar) => businessMinutesBetween(t, t + MIN, cal) === 1;

describe("demo history times", () => {
  it("two days back is more than a day ago and within working hours, at any hour of any day", () => {
    for (const cal of calendars) {
      for (const now of moments) {
        for (const r of [earliest, latest]) {
          const t = pastBusinessTime(r, 2, cal, now);
          const where = `${cal.timeZone} at ${new Date(now).toISOString()}`;
          expect(t, where).toBeLessThan(now - DAY);
          expect(inWorkingHours(t, cal), where).toBe(true);
        }
      }
    }
  });

  it("never picks a time after the latest one allowed, even later today", () => {
    for (const cal of calendars) {
      for (const now of moments) {
        const t = pastBusinessTime(latest, 0, cal, now);
        expect(t + MIN, `${cal.timeZone} at ${new Date(now).toISOString()}`).toBeLessThanOrEqual(now);
        expect(inWorkingHours(t, cal)).toBe(true);
      }
    }
  });

  it("takes the days back in the calendar's time zone and steps over days off and holidays", () => {
    const weekdays: BusinessCalendar = { ...demoDesk, workingDays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 18 * 60 };
    // Monday 28 Dec 2026, 08:00 in Berlin: before opening, after a weekend that follows the Christmas holiday.
    const mondayMorning = Date.parse("2026-12-28T07:00:00Z");
    expect(localDateOf(pastBusinessTime(earliest, 0, weekdays, mondayMorning), "Europe/Berlin")).toBe("2026-12-24");
    // 00:30 on Tuesday in Berlin is still Monday in UTC: two days back is Sunday in Berlin.
    const afterMidnight = Date.parse("2026-12-28T23:30:00Z");
    expect(localDateOf(pastBusinessTime(earliest, 2, demoDesk, afterMidnight), "Europe/Berlin")).toBe("2026-12-27");
    expect(pastBusinessTime(earliest, 2, demoDesk, afterMidnight)).toBe(Date.parse("2026-12-27T06:00:00Z"));
  });

  it("gives up on a calendar without working time", () => {
    expect(() => pastBusinessTime(earliest, 0, { ...demoDesk, workingDays: [] }, Date.parse("2026-06-01T12:00:00Z"))).toThrow(RangeError);
  });
});
