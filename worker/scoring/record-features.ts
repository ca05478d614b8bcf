import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { ScoredType } from "../../schema/scoring";
import { emailKindOf } from "./free-email-domains";

/**
 * What scoring knows about a record, as plain values at one moment (`asOf`):
 * for a closed record the moment its outcome was decided, so a model learns
 * from what was known before the outcome; for an open one, now. Deals never
 * show their stage or status here: those are the outcome itself.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Activity counts around `asOf`, as the loader (scoring-data.ts) reads them. */
export interface ActivityStats {
  activities7: number;
  activities30: number;
  lastActivityAt: number | null;
  firstActivityAt: number | null;
}

export interface LeadFacts extends ActivityStats {
  source: string | null;
  title: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  createdAt: number;
  companyIndustry: string | null;
  companySize: string | null;
}

export interface DealFacts extends ActivityStats {
  amount: number;
  currency: string;
  contactId: string | null;
  leadId: string | null;
  ownerId: string | null;
  tags: string[];
  createdAt: number;
  companyIndustry: string | null;
  companySize: string | null;
}

/** A record's feature values, by feature name: what rules test and what models bucket. */
export type FlatFeatures = Record<string, FeatureValue>;
export type FeatureValue = string | number | string[] | null | undefined;

export type Seniority = "c_level" | "vp" | "director" | "manager" | "individual";

const SENIORITY: [Seniority, RegExp][] = [
  ["c_level", /\b(ceo|cto|cfo|coo|cmo|cio|cro|chief|founder|co-founder|owner|president|partner)\b/i],
  ["vp", /\b(vp|svp|evp|vice[- ]president)\b/i],
  ["director", /\b(director|head of|head)\b/i],
  ["manager", /\b(manager|lead|supervisor)\b/i],
];

export function seniorityOf(title: string | null): Seniority | null {
  if (!title?.trim()) return null;
  return SENIORITY.find(([, re]) => re.test(title))?.[0] ?? "individual";
}

export function countryOf(phone: string | null): string | null {
  if (!phone) return null;
  return parsePhoneNumberFromString(phone.split(";")[0]!)?.country ?? null;
}

const lower = (v: string | null) => (v?.trim() ? v.trim().toLowerCase() : null);
const days = (ms: number) => Math.floor(Math.max(0, ms) / DAY);

function activityFeatures(a: ActivityStats, createdAt: number, asOf: number) {
  return {
    activities7: a.activities7,
    activities30: a.activities30,
    daysSinceActivity: a.lastActivityAt === null ? null : days(asOf - a.lastActivityAt),
    ageDays: days(asOf - createdAt),
  };
}

export function leadFeatures(lead: LeadFacts, asOf: number): FlatFeatures {
  return {
    source: lower(lead.source),
    seniority: seniorityOf(lead.title),
    emailDomain: emailKindOf(lead.email) === "none" ? null : emailKindOf(lead.email),
    phone: lead.phone ? "present" : null,
    country: countryOf(lead.phone),
    industry: lower(lead.companyIndustry),
    companySize: lower(lead.companySize),
    ...activityFeatures(lead, lead.createdAt, asOf),
    responseHours: lead.firstActivityAt === null ? null : Math.floor(Math.max(0, lead.firstActivityAt - lead.createdAt) / HOUR),
    tags: [...new Set(lead.tags.map((t) => t.toLowerCase()))].sort(),
  };
}

export function dealFeatures(deal: DealFacts, asOf: number): FlatFeatures {
  return {
    amount: deal.amount,
    currency: deal.currency.toUpperCase(),
    industry: lower(deal.companyIndustry),
    companySize: lower(deal.companySize),
    contact: deal.contactId ? "present" : null,
    origin: deal.leadId ? "lead" : deal.contactId ? "contact" : null,
    owner: deal.ownerId,
    ...activityFeatures(deal, deal.createdAt, asOf),
    tags: [...new Set(deal.tags.map((t) => t.toLowerCase()))].sort(),
  };
}

/** Each feature a rule may test, per record type, and whether it holds a number. */
export const RULE_FEATURES: Record<ScoredType, Record<string, "text" | "number" | "tags">> = {
  lead: {
    source: "text", seniority: "text", emailDomain: "text", phone: "text", country: "text", industry: "text", companySize: "text",
    activities7: "number", activities30: "number", daysSinceActivity: "number", ageDays: "number", responseHours: "number", tags: "tags",
  },
  deal: {
    amount: "number", currency: "text", industry: "text", companySize: "text", contact: "text", origin: "text", owner: "text",
    activities7: "number", activities30: "number", daysSinceActivity: "number", ageDays: "number", tags: "tags",
  },
};
