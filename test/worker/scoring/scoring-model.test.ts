import { describe, expect, it } from "vitest";
import { featureGroups } from "../../../worker/scoring/feature-buckets";
import { trainLogistic } from "../../../worker/scoring/logistic-regression";
import { calibrationTable, rocAuc, timeSplit } from "../../../worker/scoring/model-evaluation";
import { leadFeatures, seniorityOf } from "../../../worker/scoring/record-features";
import { largestRemainder, topFactors } from "../../../worker/scoring/score-explanation";
import { compileModel, trainScoringModel } from "../../../worker/scoring/scoring-model";
import { syntheticLeads } from "./scoring-fixture";

const samplesOf = (leads: ReturnType<typeof syntheticLeads>) => leads.map((l) => ({ groups: featureGroups("lead", l.features), label: l.outcome }));

describe("the scoring learner", () => {
  it("learns the same weights from the same data, every time", () => {
    const samples = samplesOf(syntheticLeads(400));
    const a = trainScoringModel(samples);
    const b = trainScoringModel(samplesOf(syntheticLeads(400)));
    expect(b).toEqual(a);
    const weight = (f: string) => a.weights[a.features.indexOf(f)]!;
    expect(weight("source=referral")).toBeGreaterThan(weight("source=web"));
    expect(weight("emailDomain=corporate")).toBeGreaterThan(weight("emailDomain=free"));
  });

  it("separates held-out outcomes it did not see (AUC well above chance)", () => {
    const { train, holdout } = timeSplit(syntheticLeads(1000), 0.2);
    expect(holdout).toHaveLength(200);
    expect(Math.min(...holdout.map((h) => h.outcomeAt))).toBeGreaterThan(Math.max(...train.map((t) => t.outcomeAt)));
    const model = compileModel(trainScoringModel(samplesOf(train)));
    const auc = rocAuc(holdout.map((h) => model.probability(featureGroups("lead", h.features))), holdout.map((h) => h.outcome))!;
    expect(auc).toBeGreaterThan(0.7);
  });

  it("explains every score exactly: base points plus the factors' points", () => {
    const leads = syntheticLeads(300);
    const model = compileModel(trainScoringModel(samplesOf(leads)));
    for (const lead of leads.slice(0, 100)) {
      const { score, basePoints, factors } = model.explain(featureGroups("lead", lead.features));
      expect(basePoints + factors.reduce((s, f) => s + f.points, 0)).toBe(score);
      expect(score).toBe(Math.round(100 * model.probability(featureGroups("lead", lead.features))));
      expect(factors.filter((f) => f.points > 0 && f.feature !== "other").length).toBeLessThanOrEqual(3);
      expect(factors.filter((f) => f.points < 0 && f.feature !== "other").length).toBeLessThanOrEqual(3);
      for (const f of factors) expect(f.label).toMatch(/^[A-Z0-9]/);
    }
    const referral = leads.find((l) => l.features.source === "referral" && l.features.emailDomain === "corporate")!;
    const labels = model.explain(featureGroups("lead", referral.features)).factors.map((f) => f.label);
    expect(labels).toContain("Referral source");
  });

  it("names a category too rare to learn from as such, and scores it with the rest of its group", () => {
    const sample = (source: string, label: 0 | 1) => ({ groups: { source: [source] }, label });
    const samples = [
      ...Array.from({ length: 20 }, (_, i) => sample("referral", i < 16 ? 1 : 0)),
      ...Array.from({ length: 20 }, (_, i) => sample("web", i < 4 ? 1 : 0)),
      sample("fax", 1),
      sample("fax", 1),
    ];
    const model = compileModel(trainScoringModel(samples));
    const [fax] = model.explain({ source: ["fax"] }).factors;
    expect(fax!.label).toBe("Fax source (rare here, counted with others)");
    expect(model.explain({ source: ["telex"] }).score).toBe(model.explain({ source: ["fax"] }).score);
    expect(model.explain({ source: ["referral"] }).factors[0]!.label).toBe("Referral source");
  });

  it("trains plain logistic regression from zero to the known optimum direction", () => {
    const rows = [[0], [0], [0], [1], [1], [1]];
    const labels = [1, 1, 0, 0, 0, 1] as const;
    const m = trainLogistic(rows, [...labels], 2, { iterations: 500, step: 0.5, l2: 0 });
    // Feature 0 is positive 2 of 3 times, feature 1 only 1 of 3: log-odds ln 2 and −ln 2 around the bias.
    expect(m.bias + m.weights[0]!).toBeCloseTo(Math.log(2), 2);
    expect(m.bias + m.weights[1]!).toBeCloseTo(-Math.log(2), 2);
  });
});

describe("model evaluation", () => {
  it("computes ROC AUC by Mann–Whitney, ties counting half", () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc([0.9, 0.1], [1, 0])).toBe(1);
    expect(rocAuc([0.2, 0.3], [1, 1])).toBeNull();
  });

  it("tabulates calibration in equal-width buckets", () => {
    const table = calibrationTable([0.05, 0.1, 0.5, 0.9, 0.95, 1], [0, 1, 1, 1, 1, 0], 5);
    expect(table.map((b) => b.count)).toEqual([2, 0, 1, 0, 3]);
    expect(table[0]).toEqual({ from: 0, to: 0.2, count: 2, meanPredicted: 0.075, observedRate: 0.5 });
    expect(table[4]!.observedRate).toBe(0.667);
  });
});

describe("score explanation", () => {
  it("rounds shares to whole points that sum exactly to the total", () => {
    expect(largestRemainder([1.5, 1.5, 1], 4)).toEqual([2, 1, 1]);
    expect(largestRemainder([-2.4, 5.7, 0.2], 4)).toEqual([-2, 6, 0]);
    const raw = [3.3, -7.8, 2.2, 0.1, -0.4];
    expect(largestRemainder(raw, -3).reduce((a, b) => a + b, 0)).toBe(-3);
  });

  it("keeps the top three factors each way and folds the rest into Other factors", () => {
    const factors = [5, 4, 3, 2, -1, -6, -2, -3].map((points, i) => ({ feature: `f${i}`, label: `F${i}`, points }));
    const top = topFactors(factors);
    expect(top.map((f) => f.points)).toEqual([5, 4, 3, -6, -3, -2, 1]);
    expect(top.at(-1)).toEqual({ feature: "other", label: "Other factors", points: 1 });
    expect(top.reduce((s, f) => s + f.points, 0)).toBe(factors.reduce((s, f) => s + f.points, 0));
  });
});

describe("lead features", () => {
  it("reads seniority, email kind, phone country, activity and age as of a given time", () => {
    const now = Date.UTC(2030, 0, 31);
    const f = leadFeatures(
      { source: " Referral ", title: "VP of Sales", email: "ann@gmail.com", phone: "+442071838750", tags: ["VIP"], createdAt: now - 10 * 86_400_000,
        companyIndustry: "Software", companySize: "51-200", activities7: 2, activities30: 4, lastActivityAt: now - 3 * 86_400_000, firstActivityAt: now - 10 * 86_400_000 + 2 * 3_600_000 },
      now,
    );
    expect(f).toEqual({ source: "referral", seniority: "vp", emailDomain: "free", phone: "present", country: "GB", industry: "software", companySize: "51-200",
      activities7: 2, activities30: 4, daysSinceActivity: 3, ageDays: 10, responseHours: 2, tags: ["vip"] });
    expect(seniorityOf("Chief Revenue Officer")).toBe("c_level");
    expect(seniorityOf("Account Executive")).toBe("individual");
    expect(seniorityOf(null)).toBeNull();
  });
});
