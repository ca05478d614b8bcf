import { and, eq, getTableColumns, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { auditLog, companies, contacts, importChunks, leads } from "../../../schema";
import { auditStatement } from "../../platform/audit-writer";
import type { CsvResource } from "./csv-fields";
import type { Actor } from "../../platform/records";

/**
 * Applies a planned import atomically, whatever its size.
 *
 * A D1 batch is one transaction, but one statement per row would not fit in
 * a batch (nor in a Worker's query budget) for a large file. So the planned
 * row operations are first staged as JSON chunks in `import_chunks` (a few
 * statements, invisible to everyone), then ONE batch applies them with
 * set-based statements that read the chunks through json_each: INSERT ...
 * SELECT for new rows, UPDATE ... FROM for deduplicated ones, one audit row
 * per record plus a summary row, and the deletion of the chunks. The batch
 * lands whole or not at all; an import interrupted before it leaves only
 * stale chunks, swept an hour later.
 */

/** One planned row operation; column values are keyed by column name. */
export interface StagedOp {
  t: CsvResource;
  /** Audit entity name. */
  e: "company" | "contact" | "lead";
  op: "create" | "update";
  id: string;
  /** The audit row's id. */
  a: string;
  [column: string]: unknown;
}

/** Columns an import writes, per table (besides id, org_id and the created/updated fields). */
export const IMPORT_COLUMNS: Record<CsvResource, readonly string[]> = {
  companies: ["name", "domain", "industry", "size", "phone", "website", "address", "owner_id", "tags"],
  contacts: ["first_name", "last_name", "email", "phone", "title", "company_id", "source", "owner_id", "tags"],
  leads: ["first_name", "last_name", "email", "phone", "title", "company_name", "source", "status", "score", "notes", "owner_id", "tags"],
};

/** Staged JSON per chunk: far below D1's 2 MB limit for one value. */
const CHUNK_CHARS = 512 * 1024;
const CHUNKS_PER_BATCH = 4;
const STALE_AFTER_MS = 60 * 60 * 1000;

/** The staged JSON chunks and how many operations each holds. */
export function chunkOps(ops: StagedOp[]): { payload: string; count: number }[] {
  const chunks: { payload: string; count: number }[] = [];
  let current: string[] = [];
  let size = 2;
  for (const op of ops) {
    const json = JSON.stringify(op);
    if (current.length && size + json.length + 1 > CHUNK_CHARS) {
      chunks.push({ payload: `[${current.join(",")}]`, count: current.length });
      current = [];
      size = 2;
    }
    current.push(json);
    size += json.length + 1;
  }
  if (current.length) chunks.push({ payload: `[${current.join(",")}]`, count: current.length });
  return chunks;
}

const staged = (importId: string, where: SQL) =>
  sql`FROM ${importChunks} c, json_each(c.payload) j WHERE c.import_id = ${importId} AND ${where}`;
const field = (name: string) => sql.raw(`json_extract(j.value, '$.${name}')`);
const isOp = (t: CsvResource, op: StagedOp["op"]) => sql`${field("t")} = ${t} AND ${field("op")} = ${op}`;

const TABLES = { companies, contacts, leads };

/** INSERT ... SELECT of the staged creates, every column in table order (the form drizzle batches). */
function insertStatement(db: Db, t: CsvResource, importId: string, orgId: string, actor: Actor, now: number) {
  const table = TABLES[t];
  const imported = new Set(["id", ...IMPORT_COLUMNS[t]]);
  const fixed: Record<string, unknown> = { org_id: orgId, created_by: actor.userId, updated_by: actor.userId, created_at: now, updated_at: now };
  const values = Object.values(getTableColumns(table)).map((col) =>
    imported.has(col.name) ? field(col.name) : col.name in fixed ? sql`${fixed[col.name]}` : sql`NULL`,
  );
  return db
    .insert(table as typeof contacts)
    .select(sql`SELECT ${sql.join(values, sql`, `)} ${staged(importId, isOp(t, "create"))} ORDER BY c.seq, j.key`);
}

/** Deduplicated rows: cells the file left empty keep their current value; a converted lead keeps its status. */
function updateStatement(db: Db, t: CsvResource, importId: string, orgId: string, actor: Actor, now: number) {
  const table = TABLES[t];
  const cols = IMPORT_COLUMNS[t].filter((c) => c !== "owner_id");
  const set: Record<string, unknown> = { updatedBy: actor.userId, updatedAt: now };
  for (const [key, col] of Object.entries(getTableColumns(table))) {
    if (!cols.includes(col.name)) continue;
    set[key] =
      t === "leads" && col.name === "status"
        ? sql.raw(`CASE WHEN leads.status = 'converted' THEN leads.status ELSE coalesce(s.status, leads.status) END`)
        : sql.raw(`coalesce(s.${col.name}, ${t}.${col.name})`);
  }
  const source = sql`(SELECT ${field("id")} AS id, ${sql.join(cols.map((c) => sql`${field(c)} AS ${sql.raw(c)}`), sql`, `)}
    ${staged(importId, isOp(t, "update"))}) AS s`;
  return db
    .update(table as typeof contacts)
    .set(set)
    .from(source)
    // Unary + keeps SQLite from driving the join by the org_id index (a scan of
    // the staged rows per record in the organization): it looks records up by id.
    .where(sql`${sql.raw(t)}.id = s.id AND +${sql.raw(t)}.org_id = ${orgId}`);
}

export interface CommitSummary {
  resource: CsvResource;
  created: number;
  updated: number;
  skipped: number;
  companiesCreated: number;
}

/**
 * `onStaged(n)` is told after each group of chunks is staged, with the number of
 * operations staged so far; nothing is visible to anyone until the final batch.
 */
export async function commitImport(
  db: Db,
  orgId: string,
  actor: Actor,
  importId: string,
  ops: StagedOp[],
  summary: CommitSummary,
  onStaged: (processed: number) => Promise<void> = async () => {},
) {
  const now = Date.now();
  await db.delete(importChunks).where(and(eq(importChunks.orgId, orgId), lt(importChunks.createdAt, now - STALE_AFTER_MS)));
  const chunks = chunkOps(ops);
  let processed = 0;
  try {
    for (let i = 0; i < chunks.length; i += CHUNKS_PER_BATCH) {
      const slice = chunks.slice(i, i + CHUNKS_PER_BATCH);
      const group = slice.map((c, k) => db.insert(importChunks).values({ importId, orgId, seq: i + k, payload: c.payload, createdAt: now }));
      await db.batch(group as [(typeof group)[number], ...typeof group]);
      processed += slice.reduce((n, c) => n + c.count, 0);
      await onStaged(processed);
    }
    // Companies first: contacts being created may link to companies created with them.
    const linked = summary.companiesCreated > 0 && summary.resource !== "companies";
    await db.batch([
      insertStatement(db, linked ? "companies" : summary.resource, importId, orgId, actor, now),
      ...(linked ? [insertStatement(db, summary.resource, importId, orgId, actor, now)] : []),
      updateStatement(db, summary.resource, importId, orgId, actor, now),
      db.insert(auditLog).select(sql`SELECT ${field("a")}, ${orgId}, ${actor.userId}, ${field("op")}, ${field("e")}, ${field("id")},
          json_object('importId', ${importId}), ${actor.requestId ?? null}, ${now}
        ${staged(importId, sql`1`)} ORDER BY c.seq, j.key`),
      auditStatement(db, orgId, {
        actorId: actor.userId,
        action: "import",
        entity: "import",
        entityId: importId,
        changes: { ...summary },
        requestId: actor.requestId,
      }),
      db.delete(importChunks).where(eq(importChunks.importId, importId)),
    ]);
  } catch (err) {
    // Nothing was applied; drop what was staged so it is not left for the sweep.
    await db.delete(importChunks).where(eq(importChunks.importId, importId));
    throw err;
  }
}
