import type { FlatFeatures } from "../../../worker/scoring/record-features";

/**
 * Synthetic leads whose outcomes follow a known rule plus noise, from a
 * seeded generator: referrals and corporate emails convert more, free email
 * and no activity less. The same seed always gives the same leads.
 */
export function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticLead {
  id: string;
  features: FlatFeatures;
  outcome: 0 | 1;
  outcomeAt: number;
}

const SOURCES = ["referral", "web", "event", "cold call"];

export function syntheticLeads(n: number, seed = 7): SyntheticLead[] {
  const rand = seeded(seed);
  return Array.from({ length: n }, (_, i) => {
    const source = SOURCES[Math.floor(rand() * SOURCES.length)]!;
    const emailDomain = rand() < 0.6 ? "corporate" : "free";
    const activities30 = Math.floor(rand() * 6);
    const logit = -0.5 + (source === "referral" ? 1.8 : 0) + (emailDomain === "corporate" ? 1 : -0.8) + (activities30 >= 2 ? 0.9 : -0.9);
    const outcome = rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    return {
      id: `lead-${String(i).padStart(5, "0")}`,
      features: {
        source,
        seniority: rand() < 0.3 ? "c_level" : "individual",
        emailDomain,
        phone: rand() < 0.7 ? "present" : null,
        country: "US",
        industry: null,
        companySize: null,
        activities7: Math.min(activities30, Math.floor(rand() * 3)),
        activities30,
        daysSinceActivity: activities30 ? Math.floor(rand() * 20) : null,
        responseHours: activities30 ? Math.floor(rand() * 100) : null,
        ageDays: 5 + Math.floor(rand() * 200),
        tags: rand() < 0.2 ? ["vip"] : [],
      },
      outcome: outcome as 0 | 1,
      outcomeAt: 1_700_000_000_000 + i * 3_600_000,
    };
  });
}
