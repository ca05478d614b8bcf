import { describe, expect, it } from "vitest";
import { nextWeekStart } from "../../../worker/forecast/forecast-clock";
import { isoWeekOf, periodBounds, periodOf, periodsBetween, shiftPeriod } from "../../../worker/forecast/forecast-periods";

describe("forecast periods", () => {
  it("maps local dates to months and quarters with their bounds", () => {
    expect(periodOf("2028-02-29", "month")).toBe("2028-02");
    expect(periodOf("2028-02-29", "quarter")).toBe("2028-Q1");
    expect(periodBounds("2028-02")).toEqual({ key: "2028-02", start: "2028-02-01", end: "2028-02-29" });
    expect(periodBounds("2027-Q4")).toEqual({ key: "2027-Q4", start: "2027-10-01", end: "2027-12-31" });
    expect(periodBounds("2027-13")).toBeNull();
    expect(shiftPeriod("2027-12", 1)).toBe("2028-01");
    expect(shiftPeriod("2027-01", -13)).toBe("2025-12");
    expect(shiftPeriod("2027-Q1", -1)).toBe("2026-Q4");
    expect(periodsBetween("2027-11-15", "2028-02-03", "month").map((p) => p.key)).toEqual(["2027-11", "2027-12", "2028-01", "2028-02"]);
  });

  it("names ISO weeks by the local calendar, Thursday's year deciding", () => {
    expect(isoWeekOf(Date.parse("2026-12-31T12:00:00Z"), "UTC")).toBe("2026-W53");
    expect(isoWeekOf(Date.parse("2027-01-03T12:00:00Z"), "UTC")).toBe("2026-W53");
    expect(isoWeekOf(Date.parse("2027-01-04T12:00:00Z"), "UTC")).toBe("2027-W01");
    // Sunday 20:00 in UTC is already Monday in Tokyo.
    expect(isoWeekOf(Date.parse("2027-01-03T20:00:00Z"), "Asia/Tokyo")).toBe("2027-W01");
  });

  it("wakes the clock at the first minute of the next local Monday", () => {
    expect(new Date(nextWeekStart(Date.parse("2027-01-06T12:00:00Z"), "UTC")).toISOString()).toBe("2027-01-11T00:01:00.000Z");
    expect(new Date(nextWeekStart(Date.parse("2027-01-04T00:30:00Z"), "UTC")).toISOString()).toBe("2027-01-11T00:01:00.000Z");
    expect(new Date(nextWeekStart(Date.parse("2027-01-06T12:00:00Z"), "Asia/Tokyo")).toISOString()).toBe("2027-01-10T15:01:00.000Z");
  });
});
