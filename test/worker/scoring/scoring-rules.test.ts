import { describe, expect, it } from "vitest";
import { applyRules, checkRules, DEFAULT_RULES } from "../../../worker/scoring/scoring-rules";
import { RULES_BASE_POINTS } from "../../../worker/scoring/scoring-limits";

describe("scoring rules", () => {
  it("adds the points of every matching rule to the base, and the factors add up", () => {
    const out = applyRules(DEFAULT_RULES.lead, { source: "referral", emailDomain: "corporate", phone: "present", activities30: 4, responseHours: 2, tags: [] });
    expect(out.score).toBe(RULES_BASE_POINTS + 15 + 10 + 5 + 10 + 5);
    expect(out.basePoints + out.factors.reduce((s, f) => s + f.points, 0)).toBe(out.score);
    expect(out.factors.map((f) => f.label)).toContain("Referral source");
  });

  it("caps at 0–100 with a factor that says so", () => {
    const rules = [{ id: "a", feature: "tags", op: "eq" as const, value: "vip", points: 80, label: "VIP" }];
    const out = applyRules(rules, { tags: ["vip"] });
    expect(out.score).toBe(100);
    expect(out.factors).toContainEqual({ feature: "cap", label: "Capped at 100", points: -30 });
    expect(out.basePoints + out.factors.reduce((s, f) => s + f.points, 0)).toBe(100);
  });

  it("refuses rules on unknown features, comparisons of text and missing values", () => {
    const { errors } = checkRules("lead", [
      { feature: "stage", op: "eq", value: "won", points: 5, label: "Leaks the outcome" },
      { feature: "source", op: "gte", value: 3, points: 5, label: "Text compared" },
      { feature: "activities30", op: "gte", points: 5, label: "No value" },
    ]);
    expect(Object.keys(errors).sort()).toEqual(["rules.0.feature", "rules.1.op", "rules.2.value"]);
    expect(checkRules("deal", [{ feature: "stage", op: "present", points: 1, label: "x" }]).errors).toHaveProperty(["rules.0.feature"]);
  });
});
