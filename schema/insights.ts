import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The insight inbox: rules (a deal at risk, a hot lead, a ticket escalation,
 * a summary ready) raise insights that cite their evidence. Each reaches only
 * members who may see its record; dismissing or snoozing is per member.
 */
export const INSIGHT_KINDS = ["deal_at_risk", "hot_lead", "ticket_escalation", "call_summary", "ticket_reply_draft"] as const;
export type InsightKind = (typeof INSIGHT_KINDS)[number];

export const INSIGHT_RECORD_TYPES = ["lead", "deal", "contact", "company", "ticket", "call"] as const;
export type InsightRecordType = (typeof INSIGHT_RECORD_TYPES)[number];

/** One piece of evidence: a record or message it cites, with a quote or number when there is one. */
export interface InsightEvidence {
  type: InsightRecordType | "activity" | "comment";
  id: string;
  title: string;
  detail?: string;
}

export const insights = sqliteTable(
  "insights",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    kind: text("kind", { enum: INSIGHT_KINDS }).notNull(),
    recordType: text("record_type", { enum: INSIGHT_RECORD_TYPES }).notNull(),
    recordId: text("record_id").notNull(),
    headline: text("headline").notNull(),
    evidence: text("evidence", { mode: "json" }).$type<InsightEvidence[]>().notNull().default([]),
    /** One open insight per rule and record ("deal_at_risk:stale:<dealId>"); raising it again refreshes it. */
    dedupeKey: text("dedupe_key").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** Set when its condition no longer holds; resolved insights leave the inbox. */
    resolvedAt: integer("resolved_at"),
  },
  (t) => [uniqueIndex("insights_dedupe_idx").on(t.orgId, t.dedupeKey), index("insights_org_time_idx").on(t.orgId, t.createdAt)],
);

/** A member's own handling of an insight. */
export const insightStates = sqliteTable(
  "insight_states",
  {
    insightId: text("insight_id").notNull(),
    userId: text("user_id").notNull(),
    orgId: text("org_id").notNull(),
    dismissedAt: integer("dismissed_at"),
    snoozedUntil: integer("snoozed_until"),
  },
  (t) => [primaryKey({ columns: [t.insightId, t.userId] }), index("insight_states_user_idx").on(t.orgId, t.userId)],
);

export type Insight = typeof insights.$inferSelect;
