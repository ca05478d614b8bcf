import { z } from "@hono/zod-openapi";
import type { ScoredType, ScoreFactor, ScoringRule } from "../../schema/scoring";
import { RULE_FEATURES, type FlatFeatures } from "./record-features";
import { topFactors } from "./score-explanation";
import { RULES_BASE_POINTS } from "./scoring-limits";

/**
 * Scoring below the minimum of outcomes: rules an admin edits, each adding
 * points when a record's feature matches. Every record starts from
 * `RULES_BASE_POINTS`; the sum is kept within 0–100.
 */

export const DEFAULT_RULES: Record<ScoredType, ScoringRule[]> = {
  lead: [
    { id: "referral", feature: "source", op: "eq", value: "referral", points: 15, label: "Referral source" },
    { id: "corporate-email", feature: "emailDomain", op: "eq", value: "corporate", points: 10, label: "Corporate email domain" },
    { id: "free-email", feature: "emailDomain", op: "eq", value: "free", points: -10, label: "Free email domain" },
    { id: "c-level", feature: "seniority", op: "eq", value: "c_level", points: 10, label: "C-level title" },
    { id: "vp", feature: "seniority", op: "eq", value: "vp", points: 8, label: "VP title" },
    { id: "phone", feature: "phone", op: "present", points: 5, label: "Phone number given" },
    { id: "engaged", feature: "activities30", op: "gte", value: 3, points: 10, label: "3+ activities in 30 days" },
    { id: "quiet", feature: "activities30", op: "lte", value: 0, points: -10, label: "No activity in 30 days" },
    { id: "fast-response", feature: "responseHours", op: "lte", value: 24, points: 5, label: "Contacted within a day" },
  ],
  deal: [
    { id: "contact", feature: "contact", op: "present", points: 10, label: "Has a contact person" },
    { id: "no-contact", feature: "contact", op: "absent", points: -10, label: "No contact person" },
    { id: "from-lead", feature: "origin", op: "eq", value: "lead", points: 5, label: "Came from a lead" },
    { id: "engaged", feature: "activities30", op: "gte", value: 3, points: 10, label: "3+ activities in 30 days" },
    { id: "quiet", feature: "activities30", op: "lte", value: 0, points: -15, label: "No activity in 30 days" },
    { id: "stale", feature: "ageDays", op: "gte", value: 90, points: -10, label: "Open longer than 3 months" },
  ],
};

const RuleInput = z
  .object({
    id: z.string().trim().min(1).max(40).optional().openapi({ description: "Kept if given; generated otherwise" }),
    feature: z.string().min(1).max(40),
    op: z.enum(["eq", "neq", "gte", "lte", "present", "absent"]),
    value: z.union([z.string().trim().min(1).max(100), z.number().finite()]).nullable().optional(),
    points: z.number().int().min(-100).max(100),
    label: z.string().trim().min(1).max(80),
  })
  .strict();

export const RulesBody = z.object({ rules: z.array(RuleInput).max(50) }).strict().openapi("ScoringRulesInput");

/** Per-rule problems the schema cannot see: a feature the type lacks, a value its operator needs. */
export function checkRules(type: ScoredType, input: z.infer<typeof RulesBody>["rules"]): { rules: ScoringRule[]; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const known = RULE_FEATURES[type];
  const seen = new Set<string>();
  const rules = input.map((r, i) => {
    const kind = known[r.feature];
    const at = `rules.${i}`;
    if (!kind) errors[`${at}.feature`] = [`Use one of ${Object.keys(known).join(", ")}`];
    const needsValue = r.op !== "present" && r.op !== "absent";
    if (needsValue && (r.value === undefined || r.value === null)) errors[`${at}.value`] = [`"${r.op}" needs a value`];
    if ((r.op === "gte" || r.op === "lte") && kind && kind !== "number") errors[`${at}.op`] = [`"${r.op}" compares numbers; ${r.feature} is not one`];
    if ((r.op === "gte" || r.op === "lte") && needsValue && typeof r.value !== "number") errors[`${at}.value`] = ["Must be a number"];
    if (kind === "number" && (r.op === "eq" || r.op === "neq") && typeof r.value !== "number") errors[`${at}.value`] = ["Must be a number"];
    const id = r.id ?? `rule-${i + 1}`;
    if (seen.has(id)) errors[`${at}.id`] = ["Ids must be unique"];
    seen.add(id);
    const rule: ScoringRule = { id, feature: r.feature, op: r.op, points: r.points, label: r.label };
    if (needsValue) rule.value = typeof r.value === "string" && kind !== "number" ? r.value.toLowerCase() : (r.value ?? null);
    return rule;
  });
  return { rules, errors };
}

function matches(rule: ScoringRule, features: FlatFeatures): boolean {
  const v = features[rule.feature];
  const present = Array.isArray(v) ? v.length > 0 : v !== null && v !== undefined && v !== "";
  const equal = () => {
    if (Array.isArray(v)) return v.includes(String(rule.value).toLowerCase());
    if (typeof v === "number") return v === Number(rule.value);
    return typeof v === "string" && v.toLowerCase() === String(rule.value).toLowerCase();
  };
  switch (rule.op) {
    case "present":
      return present;
    case "absent":
      return !present;
    case "eq":
      return present && equal();
    case "neq":
      return !present || !equal();
    case "gte":
      return typeof v === "number" && v >= Number(rule.value);
    case "lte":
      return typeof v === "number" && v <= Number(rule.value);
  }
}

/** The rules' score; a sum beyond 0–100 is capped, and the cap is a factor of its own so the points still add up. */
export function applyRules(rules: readonly ScoringRule[], features: FlatFeatures) {
  const matched = rules.filter((r) => matches(r, features));
  const raw = matched.reduce((sum, r) => sum + r.points, RULES_BASE_POINTS);
  const score = Math.min(100, Math.max(0, raw));
  const factors: ScoreFactor[] = matched.map((r) => ({ feature: `rule:${r.id}`, label: r.label, points: r.points }));
  if (score !== raw) factors.push({ feature: "cap", label: score === 100 ? "Capped at 100" : "Capped at 0", points: score - raw });
  return { score, basePoints: RULES_BASE_POINTS, factors: topFactors(factors), matched: matched.map((r) => r.id) };
}
