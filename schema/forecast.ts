import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Forecasts learned from history. Every stage or status change of a deal is
 * kept by a D1 trigger on the `deals` projection (migrations/0013), so the
 * history is complete whichever path wrote the deal; stage probabilities are
 * learned from it, and weekly snapshots let forecasts be checked against
 * what happened.
 */
export const dealStageHistory = sqliteTable(
  "deal_stage_history",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    orgId: text("org_id").notNull(),
    dealId: text("deal_id").notNull(),
    pipelineId: text("pipeline_id").notNull(),
    /** Null on the deal's first row. */
    fromStageId: text("from_stage_id"),
    toStageId: text("to_stage_id").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status").notNull(),
    amount: real("amount").notNull(),
    currency: text("currency").notNull(),
    ownerId: text("owner_id"),
    /** The deal's updated_at of the change (epoch ms). */
    at: integer("at").notNull(),
  },
  (t) => [index("deal_stage_history_deal_idx").on(t.orgId, t.dealId, t.at), index("deal_stage_history_pipeline_idx").on(t.orgId, t.pipelineId, t.at)],
);

/** A sales target per owner and period ("2026-12" for a month, "2026-Q4" for a quarter) in one currency. */
export const forecastTargets = sqliteTable(
  "forecast_targets",
  {
    orgId: text("org_id").notNull(),
    ownerId: text("owner_id").notNull(),
    period: text("period").notNull(),
    currency: text("currency").notNull(),
    amount: real("amount").notNull(),
    updatedBy: text("updated_by"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.ownerId, t.period, t.currency] })],
);

/** What the forecast said for a period at a point in time (weekly), per owner and currency. */
export const forecastSnapshots = sqliteTable(
  "forecast_snapshots",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    pipelineId: text("pipeline_id").notNull(),
    /** ISO week the snapshot belongs to ("2026-W49"); one per week, pipeline, period, owner and currency. */
    week: text("week").notNull(),
    period: text("period").notNull(),
    /** "" for deals with no owner. */
    ownerId: text("owner_id").notNull(),
    currency: text("currency").notNull(),
    weighted: real("weighted").notNull(),
    commit: real("commit").notNull(),
    bestCase: real("best_case").notNull(),
    closedWon: real("closed_won").notNull(),
    takenAt: integer("taken_at").notNull(),
  },
  (t) => [
    uniqueIndex("forecast_snapshots_key_idx").on(t.orgId, t.pipelineId, t.week, t.period, t.ownerId, t.currency),
    index("forecast_snapshots_period_idx").on(t.orgId, t.pipelineId, t.period),
  ],
);
