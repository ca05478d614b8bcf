import { describe, expect, it } from "vitest";
import { localToInstant } from "../../../worker/platform/local-time";
import { addBusinessMinutes, businessMinutesBetween, type BusinessCalendar } from "../../../worker/support/sla/business-time";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

const officeUtc: BusinessCalendar = { timeZone: "UTC", workingDays: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020, holidays: [] };
const berlin: BusinessCalendar = { ...officeUtc, timeZone: "Europe/Berlin" };
const newYork: BusinessCalendar = { ...officeUtc, timeZone: "America/New_York" };

describe("business time: adding business minutes", () => {
  it("carries over the weekend from Friday afternoon to Monday morning", () => {
    expect(iso(addBusinessMinutes(at("2026-11-27T16:00:00Z"), 120, officeUtc))).toBe("2026-11-30T10:00:00.000Z");
  });

  it("starts counting at opening time when the clock starts before hours", () => {
    expect(iso(addBusinessMinutes(at("2026-11-30T07:00:00Z"), 30, officeUtc))).toBe("2026-11-30T09:30:00.000Z");
  });

  it("starts the next working morning when the clock starts after hours", () => {
    expect(iso(addBusinessMinutes(at("2026-11-30T18:00:00Z"), 15, officeUtc))).toBe("2026-12-01T09:15:00.000Z");
  });

  it("counts in the calendar's time zone", () => {
    // 09:00 in Berlin in winter is 08:00 UTC.
    expect(iso(addBusinessMinutes(at("2026-11-30T06:00:00Z"), 60, berlin))).toBe("2026-11-30T09:00:00.000Z");
  });

  it("skips holidays", () => {
    const christmas = { ...berlin, holidays: ["2026-12-25"] };
    // Thursday 24 Dec 16:30 Berlin: 30 minutes that day, Friday is a holiday, 30 more on Monday 28 Dec.
    expect(iso(addBusinessMinutes(at("2026-12-24T15:30:00Z"), 60, christmas))).toBe("2026-12-28T08:30:00.000Z");
  });

  it("keeps local office hours across the autumn DST change", () => {
    // Friday 30 Oct 16:00 EDT (20:00Z); DST ends Sunday 1 Nov; Monday 10:00 EST is 15:00Z.
    expect(iso(addBusinessMinutes(at("2026-10-30T20:00:00Z"), 120, newYork))).toBe("2026-11-02T15:00:00.000Z");
  });

  it("keeps local office hours across the spring DST change", () => {
    // Friday 27 Mar 16:30 CET (15:30Z); Europe switches on Sunday 29 Mar; Monday 09:30 CEST is 07:30Z.
    expect(iso(addBusinessMinutes(at("2026-03-27T15:30:00Z"), 60, berlin))).toBe("2026-03-30T07:30:00.000Z");
  });

  it("answers the start itself for zero minutes", () => {
    expect(addBusinessMinutes(at("2026-11-28T12:00:00Z"), 0, officeUtc)).toBe(at("2026-11-28T12:00:00Z"));
  });

  it("refuses a calendar without working time", () => {
    expect(() => addBusinessMinutes(Date.now(), 10, { ...officeUtc, workingDays: [] })).toThrow(RangeError);
  });
});

describe("business time: minutes between two instants", () => {
  it("counts only working hours", () => {
    expect(businessMinutesBetween(at("2026-11-27T16:00:00Z"), at("2026-11-30T10:00:00Z"), officeUtc)).toBe(120);
    expect(businessMinutesBetween(at("2026-11-28T10:00:00Z"), at("2026-11-29T23:00:00Z"), officeUtc)).toBe(0);
    expect(businessMinutesBetween(at("2026-11-30T10:00:00Z"), at("2026-11-30T09:00:00Z"), officeUtc)).toBe(0);
  });

  it("is the inverse of adding business minutes", () => {
    const start = at("2026-12-23T14:10:00Z");
    const cal = { ...berlin, holidays: ["2026-12-25"] };
    for (const minutes of [1, 59, 480, 1000, 2400]) {
      expect(businessMinutesBetween(start, addBusinessMinutes(start, minutes, cal), cal)).toBe(minutes);
    }
  });

  it("gives a round-the-clock day its real length on DST days", () => {
    const always: BusinessCalendar = { timeZone: "America/New_York", workingDays: [1, 2, 3, 4, 5, 6, 7], startMinute: 0, endMinute: 1440, holidays: [] };
    const springStart = localToInstant(2026, 3, 8, 0, "America/New_York");
    const springEnd = localToInstant(2026, 3, 9, 0, "America/New_York");
    expect(businessMinutesBetween(springStart, springEnd, always)).toBe(23 * 60);
    const fallStart = localToInstant(2026, 11, 1, 0, "America/New_York");
    const fallEnd = localToInstant(2026, 11, 2, 0, "America/New_York");
    expect(businessMinutesBetween(fallStart, fallEnd, always)).toBe(25 * 60);
  });

  it("resolves a wall time inside the spring-forward gap to just after it", () => {
    // 02:30 does not exist in New York on 8 Mar 2026; 03:00 EDT is 07:00Z.
    expect(localToInstant(2026, 3, 8, 150, "America/New_York")).toBeGreaterThanOrEqual(at("2026-03-08T07:00:00Z"));
    expect(localToInstant(2026, 3, 8, 150, "America/New_York")).toBeLessThanOrEqual(at("2026-03-08T07:30:00Z"));
  });
});
