import { and, desc, eq } from "drizzle-orm";
import { memberships, scoringModels, scoringRules, users, type ScoredType, type ScoreFactor, type ScoringModel, type ScoringRule } from "../../schema";
import type { Db } from "../platform/db";
import { featureGroups } from "./feature-buckets";
import type { ScoringRecord } from "./scoring-data";
import { compileModel, type LearnedParams } from "./scoring-model";
import { applyRules, DEFAULT_RULES } from "./scoring-rules";

/**
 * The organization's scoring models (one active per record type) and its
 * rules, and a scorer for the active one.
 */

export const modelVersionOf = (m: Pick<ScoringModel, "kind" | "version">) => `${m.kind === "rules" ? "rules" : "lr"}-${m.version}`;

export async function activeModel(db: Db, orgId: string, type: ScoredType): Promise<ScoringModel | null> {
  const row = await db
    .select()
    .from(scoringModels)
    .where(and(eq(scoringModels.orgId, orgId), eq(scoringModels.recordType, type), eq(scoringModels.status, "active")))
    .orderBy(desc(scoringModels.version))
    .get();
  return row ?? null;
}

export async function recentModels(db: Db, orgId: string, type: ScoredType, limit: number): Promise<ScoringModel[]> {
  return db
    .select()
    .from(scoringModels)
    .where(and(eq(scoringModels.orgId, orgId), eq(scoringModels.recordType, type)))
    .orderBy(desc(scoringModels.version))
    .limit(limit);
}

/** The admin's rules, or the built-in ones when none were saved. */
export async function rulesOf(db: Db, orgId: string, type: ScoredType): Promise<{ rules: ScoringRule[]; custom: boolean; updatedAt: number | null; updatedBy: string | null }> {
  const row = await db.select().from(scoringRules).where(and(eq(scoringRules.orgId, orgId), eq(scoringRules.recordType, type))).get();
  return row ? { rules: row.rules, custom: true, updatedAt: row.updatedAt, updatedBy: row.updatedBy } : { rules: DEFAULT_RULES[type], custom: false, updatedAt: null, updatedBy: null };
}

/** Members' names, for factors that name an owner ("Owned by Ann Lee"). */
export async function memberNames(db: Db, orgId: string): Promise<Record<string, string>> {
  const rows = await db.select({ id: users.id, name: users.name }).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(eq(memberships.orgId, orgId));
  return Object.fromEntries(rows.map((r) => [r.id, r.name]));
}

/** FNV-1a over a string: a short, stable fingerprint of what a record was scored on. */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export interface ScoredRecord {
  score: number;
  basePoints: number;
  factors: ScoreFactor[];
  /** Fingerprint of what the model looked at: bucketed features for a learned model, the rules that matched for rules. */
  inputHash: string;
}

/** Scores records with one model; the same record and model always give the same answer. */
export function scorerFor(type: ScoredType, model: ScoringModel, names: Record<string, string>) {
  if (model.kind === "rules") {
    const rules = model.params as ScoringRule[];
    return (record: Pick<ScoringRecord, "features">): ScoredRecord => {
      const { score, basePoints, factors, matched } = applyRules(rules, record.features);
      return { score, basePoints, factors, inputHash: fingerprint(matched.join("|")) };
    };
  }
  const compiled = compileModel(model.params as LearnedParams);
  return (record: Pick<ScoringRecord, "features">): ScoredRecord => {
    const groups = featureGroups(type, record.features);
    const key = JSON.stringify(groups);
    const { score, basePoints, factors } = compiled.explain(groups, names);
    // The owner's name is in a factor's words, so a renamed owner rewrites the factor.
    return { score, basePoints, factors, inputHash: fingerprint(type === "deal" ? key + (names[String(record.features.owner)] ?? "") : key) };
  };
}
