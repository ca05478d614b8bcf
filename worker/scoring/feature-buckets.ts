import type { ScoredType } from "../../schema/scoring";
import type { FeatureValue, FlatFeatures } from "./record-features";

/**
 * Feature values as categories a model weighs ("activities30" = "2-4"),
 * and each category in words a salesperson reads ("2–4 activities in 30
 * days"). Numbers become buckets so that every weight has a plain meaning
 * and no feature needs scaling.
 */

/** Per feature group, the record's categories (several only for tags). */
export type FeatureGroups = Record<string, string[]>;

const countBucket = (n: number) => (n <= 0 ? "0" : n === 1 ? "1" : n <= 4 ? "2-4" : "5+");
const recencyBucket = (d: number | null) => (d === null ? "never" : d <= 1 ? "day" : d <= 7 ? "week" : d <= 30 ? "month" : "older");
const responseBucket = (h: number | null) => (h === null ? "none" : h < 1 ? "hour" : h < 24 ? "day" : h < 168 ? "week" : "slow");
const ageBucket = (d: number) => (d <= 7 ? "week" : d <= 30 ? "month" : d <= 90 ? "quarter" : "older");
const AMOUNT_BUCKETS: [number, string][] = [[1_000, "under-1k"], [10_000, "1k-10k"], [100_000, "10k-100k"], [1_000_000, "100k-1m"]];
const amountBucket = (a: number) => (a <= 0 ? "none" : AMOUNT_BUCKETS.find(([max]) => a < max)?.[1] ?? "1m+");

const str = (v: FeatureValue) => (typeof v === "string" && v ? v : "none");
const num = (v: FeatureValue) => (typeof v === "number" ? v : null);
const tagsOf = (v: FeatureValue) => (Array.isArray(v) && v.length ? v : ["none"]);

export function featureGroups(type: ScoredType, f: FlatFeatures): FeatureGroups {
  const shared = {
    industry: [str(f.industry)],
    companySize: [str(f.companySize)],
    activities7: [countBucket(num(f.activities7) ?? 0)],
    activities30: [countBucket(num(f.activities30) ?? 0)],
    recency: [recencyBucket(num(f.daysSinceActivity))],
    age: [ageBucket(num(f.ageDays) ?? 0)],
    tags: tagsOf(f.tags),
  };
  if (type === "lead") {
    return {
      source: [str(f.source)],
      seniority: [str(f.seniority)],
      emailDomain: [str(f.emailDomain)],
      phone: [str(f.phone)],
      country: [str(f.country)],
      ...shared,
      response: [responseBucket(num(f.responseHours))],
    };
  }
  return {
    amount: [amountBucket(num(f.amount) ?? 0)],
    currency: [str(f.currency)],
    contact: [str(f.contact)],
    origin: [str(f.origin)],
    owner: [str(f.owner)],
    ...shared,
  };
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(["en"], { type: "region" });
  } catch {
    return null;
  }
})();
const countryNames = new Map<string, string>();
const countryName = (code: string) => {
  let name = countryNames.get(code);
  if (name === undefined) {
    try {
      name = regionNames?.of(code.toUpperCase()) ?? code.toUpperCase();
    } catch {
      name = code.toUpperCase();
    }
    countryNames.set(code, name);
  }
  return name;
};

const COUNTS: Record<string, string> = { "0": "No activity", "1": "1 activity", "2-4": "2–4 activities", "5+": "5+ activities" };

const FIXED: Record<string, Record<string, string>> = {
  seniority: { c_level: "C-level title", vp: "VP title", director: "Director title", manager: "Manager title", individual: "Individual contributor title", none: "No title" },
  emailDomain: { corporate: "Corporate email domain", free: "Free email domain", none: "No email address" },
  phone: { present: "Phone number given", none: "No phone number" },
  recency: { never: "No activity yet", day: "Active in the last day", week: "Active this week", month: "Last activity 1–4 weeks ago", older: "No activity in 30 days" },
  response: { none: "Never contacted", hour: "Contacted within an hour", day: "Contacted within a day", week: "Contacted within a week", slow: "First contact after a week" },
  age: { week: "Created this week", month: "Created this month", quarter: "1–3 months old", older: "Older than 3 months" },
  amount: { none: "No amount", "under-1k": "Amount under 1k", "1k-10k": "Amount 1k–10k", "10k-100k": "Amount 10k–100k", "100k-1m": "Amount 100k–1M", "1m+": "Amount over 1M" },
  contact: { present: "Has a contact person", none: "No contact person" },
  origin: { lead: "Came from a lead", contact: "Started from a contact", none: "No lead or contact behind it" },
};

/** A feature group's categories in words; `names` gives members' names for the owner. */
export function labelOf(group: string, values: string[], names: Record<string, string> = {}): string {
  const value = values[0] ?? "none";
  const fixed = FIXED[group]?.[value];
  if (fixed) return fixed;
  switch (group) {
    case "source":
      return value === "none" ? "No source" : `${capitalized(value)} source`;
    case "country":
      return value === "none" ? "Phone country unknown" : `Phone in ${countryName(value)}`;
    case "industry":
      return value === "none" ? "Industry unknown" : `${capitalized(value)} industry`;
    case "companySize":
      return value === "none" ? "Company size unknown" : `Company size ${value}`;
    case "activities7":
      return `${COUNTS[value] ?? value} in 7 days`;
    case "activities30":
      return `${COUNTS[value] ?? value} in 30 days`;
    case "currency":
      return value === "none" ? "No currency" : `In ${value}`;
    case "owner":
      return value === "none" ? "No owner" : `Owned by ${names[value] ?? "a former member"}`;
    case "tags":
      return value === "none" ? "No tags" : `Tagged ${values.join(", ")}`;
    default:
      return `${group}: ${values.join(", ")}`;
  }
}
