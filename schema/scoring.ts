import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Predictive scores for leads and deals: one model per organization and
 * record type, learned from its own closed history (leads converted vs
 * disqualified, deals won vs lost), with editable rules below the minimum
 * of outcomes. Scores are computed in the Worker; nothing here needs a
 * language model.
 */

export const SCORED_TYPES = ["lead", "deal"] as const;
export type ScoredType = (typeof SCORED_TYPES)[number];

export const SCORING_MODEL_KINDS = ["logistic_regression", "rules"] as const;
export type ScoringModelKind = (typeof SCORING_MODEL_KINDS)[number];

/** `active` scores records; `rejected` lost the holdout gate; `retired` was replaced by a newer active one. */
export const SCORING_MODEL_STATUSES = ["active", "rejected", "retired"] as const;
export type ScoringModelStatus = (typeof SCORING_MODEL_STATUSES)[number];

/** One factor behind a score, in points, in words a salesperson understands ("Corporate email domain", +8). */
export interface ScoreFactor {
  /** Stable machine key of the feature value, e.g. "source=referral", "activities_30d". */
  feature: string;
  label: string;
  points: number;
}

/** One row of the calibration table: predicted probability bucket vs what happened on the holdout. */
export interface CalibrationBucket {
  from: number;
  to: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** An admin-edited rule used below the minimum of outcomes: when `feature` matches, add `points`. */
export interface ScoringRule {
  id: string;
  feature: string;
  /** Compared with the record's value of `feature`; see worker/scoring for the operators. */
  op: "eq" | "neq" | "gte" | "lte" | "present" | "absent";
  value?: string | number | null;
  points: number;
  label: string;
}

export const scoringModels = sqliteTable(
  "scoring_models",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    recordType: text("record_type", { enum: SCORED_TYPES }).notNull(),
    /** Increases per organization and record type with every trained candidate. */
    version: integer("version").notNull(),
    kind: text("kind", { enum: SCORING_MODEL_KINDS }).notNull(),
    status: text("status", { enum: SCORING_MODEL_STATUSES }).notNull(),
    /** Closed outcomes it learned from (training + holdout), and how many were positive. */
    samples: integer("samples").notNull(),
    positives: integer("positives").notNull(),
    holdoutSize: integer("holdout_size").notNull().default(0),
    /** ROC AUC on the time-split holdout; null for rules. */
    auc: real("auc"),
    calibration: text("calibration", { mode: "json" }).$type<CalibrationBucket[]>().notNull().default([]),
    /** The learned parameters (or the rules it ran with), in worker/scoring's own format. */
    params: text("params", { mode: "json" }).$type<unknown>().notNull(),
    /** Why it was rejected or what it replaced, in words. */
    note: text("note"),
    trainedAt: integer("trained_at").notNull(),
    promotedAt: integer("promoted_at"),
  },
  (t) => [uniqueIndex("scoring_models_version_idx").on(t.orgId, t.recordType, t.version)],
);

/** The fallback rules an admin edits; absent = the built-in defaults. */
export const scoringRules = sqliteTable(
  "scoring_rules",
  {
    orgId: text("org_id").notNull(),
    recordType: text("record_type", { enum: SCORED_TYPES }).notNull(),
    rules: text("rules", { mode: "json" }).$type<ScoringRule[]>().notNull(),
    updatedBy: text("updated_by"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.recordType] })],
);

/**
 * Each record's latest score and why. The effective score (the override if
 * any, else the model's) is also copied to `leads.score` / `deals.score`
 * so lists sort and filter by it with an index.
 */
export const recordScores = sqliteTable(
  "record_scores",
  {
    orgId: text("org_id").notNull(),
    recordType: text("record_type", { enum: SCORED_TYPES }).notNull(),
    recordId: text("record_id").notNull(),
    /** What the model (or rules) gave, 0–100. */
    modelScore: integer("model_score").notNull(),
    /** Points of the average record before any factor; base + every factor = modelScore. */
    basePoints: integer("base_points").notNull(),
    factors: text("factors", { mode: "json" }).$type<ScoreFactor[]>().notNull(),
    /** e.g. "lr-3" or "rules-1": the model that scored it. */
    modelVersion: text("model_version").notNull(),
    /** Hash of the features it was scored on, so unchanged records are not rewritten. */
    inputHash: text("input_hash").notNull(),
    overrideScore: integer("override_score"),
    overrideReason: text("override_reason"),
    overrideBy: text("override_by"),
    overrideAt: integer("override_at"),
    scoredAt: integer("scored_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.recordType, t.recordId] }), index("record_scores_org_model_idx").on(t.orgId, t.recordType, t.modelVersion)],
);

export type RecordScore = typeof recordScores.$inferSelect;
export type ScoringModel = typeof scoringModels.$inferSelect;
