import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * CSV imports staged before they commit. An import larger than one D1 batch
 * can carry is written here in chunks (each a JSON array of planned row
 * operations, well under D1's 2 MB value limit), then applied by one batch of
 * set-based INSERT ... SELECT / UPDATE ... FROM statements reading the
 * chunks, which also deletes them: D1 runs a batch as one transaction, so the
 * import lands whole or not at all. Chunks left by an interrupted import are
 * never applied and are swept after an hour.
 */
export const importChunks = sqliteTable(
  "import_chunks",
  {
    importId: text("import_id").notNull(),
    orgId: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    payload: text("payload").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] }), index("import_chunks_org_created_idx").on(t.orgId, t.createdAt)],
);
