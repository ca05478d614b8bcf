import { describe, expect, it } from "vitest";
import { serviceMonths, splitEvenly, spreadRevenue } from "../../../worker/financial/revenue/revenue-spreading";

const sum = (shares: { amount: number }[]) => shares.reduce((s, x) => s + x.amount, 0);

describe("revenue spreading", () => {
  it("recognizes a line without a service period whole in the month paid", () => {
    expect(spreadRevenue({ amount: 12_345, periodStart: null, periodEnd: null }, "2026-03")).toEqual([{ period: "2026-03", amount: 12_345 }]);
  });

  it("spreads a 12-month subscription over 12 monthly entries that sum exactly", () => {
    const shares = spreadRevenue({ amount: 120_000, periodStart: "2026-01-01", periodEnd: "2026-12-31" }, "2026-01");
    expect(shares).toHaveLength(12);
    expect(shares.map((s) => s.period)).toEqual(Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}`));
    expect(shares.every((s) => s.amount === 10_000)).toBe(true);
  });

  it("cuts a subscription starting mid-month at its anniversaries: still 12 entries, across the year boundary", () => {
    const shares = spreadRevenue({ amount: 99_999, periodStart: "2026-03-15", periodEnd: "2027-03-14" }, "2026-05");
    expect(shares.map((s) => s.period)).toEqual([
      "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02",
    ]);
    expect(sum(shares)).toBe(99_999);
  });

  it("gives uneven cents to the first months, one each", () => {
    const shares = spreadRevenue({ amount: 100_005, periodStart: "2026-01-01", periodEnd: "2026-12-31" }, "2026-01");
    expect(shares.map((s) => s.amount)).toEqual([...Array(9).fill(8_334), 8_333, 8_333, 8_333]);
    expect(sum(shares)).toBe(100_005);
  });

  it("spreads yen (no minor digits) in whole yen", () => {
    const shares = spreadRevenue({ amount: 1_000, periodStart: "2026-04-01", periodEnd: "2027-03-31" }, "2026-04");
    expect(shares.map((s) => s.amount)).toEqual([84, 84, 84, 84, 83, 83, 83, 83, 83, 83, 83, 83]);
    expect(sum(shares)).toBe(1_000);
  });

  it("keeps a one-month period in its month, whatever month it is paid in", () => {
    expect(spreadRevenue({ amount: 500, periodStart: "2026-02-01", periodEnd: "2026-02-28" }, "2026-06")).toEqual([{ period: "2026-02", amount: 500 }]);
    expect(spreadRevenue({ amount: 500, periodStart: "2026-02-10", periodEnd: "2026-02-10" }, "2026-06")).toEqual([{ period: "2026-02", amount: 500 }]);
  });

  it("counts a last shorter stretch as a whole month", () => {
    expect(serviceMonths("2026-01-15", "2026-03-01")).toEqual(["2026-01", "2026-02"]);
    expect(serviceMonths("2026-01-15", "2026-02-14")).toEqual(["2026-01"]);
    expect(serviceMonths("2026-01-15", "2026-02-15")).toEqual(["2026-01", "2026-02"]);
  });

  it("clamps a start on the 31st to the last day of shorter months", () => {
    expect(serviceMonths("2026-01-31", "2026-02-27")).toEqual(["2026-01"]);
    expect(serviceMonths("2026-01-31", "2026-02-28")).toEqual(["2026-01", "2026-02"]);
    expect(serviceMonths("2028-01-31", "2028-03-30")).toEqual(["2028-01", "2028-02"]);
  });

  it("recognizes nothing for a zero line, and skips months whose share is nothing", () => {
    expect(spreadRevenue({ amount: 0, periodStart: "2026-01-01", periodEnd: "2026-12-31" }, "2026-01")).toEqual([]);
    const shares = spreadRevenue({ amount: 5, periodStart: "2026-01-01", periodEnd: "2026-12-31" }, "2026-01");
    expect(shares).toEqual(["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"].map((period) => ({ period, amount: 1 })));
  });

  it("splits a negative line (a credit) as its absolute value", () => {
    expect(splitEvenly(-10, 3)).toEqual([-4, -3, -3]);
    expect(sum(spreadRevenue({ amount: -1_001, periodStart: "2026-01-01", periodEnd: "2026-03-31" }, "2026-01"))).toBe(-1_001);
  });

  it("recognizes a line with a half-given or reversed period in the month paid", () => {
    expect(spreadRevenue({ amount: 700, periodStart: "2026-01-01", periodEnd: null }, "2026-05")).toEqual([{ period: "2026-05", amount: 700 }]);
    expect(spreadRevenue({ amount: 700, periodStart: "2026-03-01", periodEnd: "2026-01-31" }, "2026-05")).toEqual([{ period: "2026-05", amount: 700 }]);
    expect(serviceMonths("2026-02-30", "2026-12-31")).toBeNull();
  });

  it("caps a very long period at 120 service months", () => {
    expect(serviceMonths("2000-01-01", "2099-12-31")).toHaveLength(120);
  });
});
