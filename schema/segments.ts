import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Segments (worker/automation/segments): a saved filter over contacts,
 * companies or leads, in the lists' own filter language, with a membership
 * kept current as records change. Entering or leaving raises
 * `segment.entered` / `segment.left`.
 */
export const SEGMENT_ENTITIES = ["contact", "company", "lead"] as const;
export type SegmentEntity = (typeof SEGMENT_ENTITIES)[number];

export const segments = sqliteTable(
  "segments",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    entity: text("entity", { enum: SEGMENT_ENTITIES }).notNull(),
    /** The list filter the segment saves, as the list endpoints take it (query parameters). */
    filter: text("filter", { mode: "json" }).$type<Record<string, string | string[]>>().notNull(),
    memberCount: integer("member_count").notNull().default(0),
    /** When the whole membership was last recomputed. */
    evaluatedAt: integer("evaluated_at"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("segments_org_idx").on(t.orgId, t.entity)],
);

export const segmentMembers = sqliteTable(
  "segment_members",
  {
    segmentId: text("segment_id").notNull(),
    recordId: text("record_id").notNull(),
    orgId: text("org_id").notNull(),
    enteredAt: integer("entered_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.recordId] }), index("segment_members_record_idx").on(t.orgId, t.recordId)],
);

export type Segment = typeof segments.$inferSelect;
