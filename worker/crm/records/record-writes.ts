import { and, eq, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../platform/db";
import { conflict, notFound } from "../../platform/errors";
import { deals } from "../../../schema";
import { auditStatementIf } from "../../platform/audit-writer";
import { changesOf, idTaken, publicRecord, type Actor, type RecordTable } from "../../platform/records";

/**
 * The create, update and delete writes the CRM record services (companies,
 * contacts, leads, activities) share. Each write and its audit row go in one
 * `db.batch`, and the audit row is guarded by `changes() > 0` so it is written
 * only when the write took effect.
 */

/** The columns a new record starts with besides its own: owner (the creator by default), tags and stamps. */
export function creationColumns(actor: Actor, values: { ownerId?: string | null; tags?: string[] }, now: number) {
  return {
    ownerId: values.ownerId ?? actor.userId,
    tags: values.tags ?? [],
    createdBy: actor.userId,
    updatedBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  };
}

/** What the audit row of a write names: the entity ("company") and the fields worth recording. */
interface AuditOf {
  entity: string;
  changes: Record<string, unknown>;
}

/**
 * Inserts a new record and its audit row in one batch. A client-minted id may
 * already be taken, so the insert does nothing on conflict, the audit row is
 * written only if it did insert, and the caller gets a 409.
 */
export async function insertRecord<T extends { id: string; orgId: string }>(
  db: Db,
  table: RecordTable,
  orgId: string,
  actor: Actor,
  row: T,
  audit: AuditOf,
) {
  const [inserted] = await db.batch([
    db.insert(table).values(row).onConflictDoNothing().returning({ id: table.id }),
    auditStatementIf(
      db,
      orgId,
      { actorId: actor.userId, action: "create", entity: audit.entity, entityId: row.id, changes: audit.changes, requestId: actor.requestId },
      sql`changes() > 0`,
    ),
  ]);
  if (inserted.length === 0) throw idTaken(row.id);
  return publicRecord(row);
}

/**
 * Writes the fields of `values` that differ from `before`, with an audit row
 * listing each change. When nothing differs nothing is written: no
 * `updatedAt` bump and no audit row.
 */
export async function updateRecord<T extends { id: string; orgId: string }>(
  db: Db,
  table: RecordTable,
  orgId: string,
  actor: Actor,
  before: T,
  values: Partial<T>,
  entity: string,
) {
  const changes = changesOf(before, values);
  if (Object.keys(changes).length === 0) return publicRecord(before);
  const next = { ...values, updatedBy: actor.userId, updatedAt: Date.now() };
  await db.batch([
    db.update(table).set(next).where(and(eq(table.orgId, orgId), eq(table.id, before.id))),
    auditStatementIf(
      db,
      orgId,
      { actorId: actor.userId, action: "update", entity, entityId: before.id, changes, requestId: actor.requestId },
      sql`changes() > 0`,
    ),
  ]);
  return publicRecord({ ...before, ...next });
}

/**
 * Deletes a record that deals can point at (`dealColumn`), unless one does
 * (409): deals are edited in the organization room, so they are moved off it
 * there first. The check sits inside the DELETE so a deal linked meanwhile
 * still stops it, and `unlink` gets a condition that holds only once the
 * record is gone, so rows pointing at it are cleared only if it was deleted.
 */
export async function deleteUnlessDeals(
  db: Db,
  table: RecordTable,
  orgId: string,
  actor: Actor,
  id: string,
  opts: {
    what: string;
    dealColumn: SQLiteColumn;
    audit: AuditOf;
    unlink: (gone: SQL) => BatchItem<"sqlite">[];
    conflictMessage: string;
  },
) {
  const noDeals = sql`NOT EXISTS (SELECT 1 FROM ${deals} WHERE ${deals.orgId} = ${orgId} AND ${opts.dealColumn} = ${id})`;
  const gone = sql`NOT EXISTS (SELECT 1 FROM ${table} WHERE ${table.id} = ${id})`;
  const [deleted] = await db.batch([
    db.delete(table).where(and(eq(table.orgId, orgId), eq(table.id, id), noDeals)).returning({ id: table.id }),
    auditStatementIf(
      db,
      orgId,
      { actorId: actor.userId, action: "delete", entity: opts.audit.entity, entityId: id, changes: opts.audit.changes, requestId: actor.requestId },
      sql`changes() > 0`,
    ),
    ...opts.unlink(gone),
  ]);
  if (deleted.length === 0) {
    if (!(await db.$count(table, and(eq(table.orgId, orgId), eq(table.id, id))))) throw notFound(opts.what);
    throw conflict(opts.conflictMessage);
  }
}
