import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "./db";
import { newId } from "./ids";
import { auditLog } from "../../schema";

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  changes?: Record<string, unknown>;
  requestId?: string;
}

/**
 * The audit row as a statement, so callers put it in the same `db.batch`
 * as the change it records: both land or neither does.
 */
export function auditStatement(db: Db, orgId: string, entry: AuditEntry) {
  return db.insert(auditLog).values({
    id: newId(),
    orgId,
    actorId: entry.actorId,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    changes: entry.changes ?? null,
    requestId: entry.requestId ?? null,
    createdAt: Date.now(),
  });
}

/**
 * An audit row written only if `condition` holds after the statements before
 * it in the same batch ran; for guarded writes whose effect is only known then.
 */
export function auditStatementIf(db: Db, orgId: string, entry: AuditEntry, condition: SQL) {
  const changes = entry.changes ? JSON.stringify(entry.changes) : null;
  return db.insert(auditLog).select(
    sql`SELECT ${newId()}, ${orgId}, ${entry.actorId}, ${entry.action}, ${entry.entity}, ${entry.entityId},
      ${changes}, ${entry.requestId ?? null}, ${Date.now()} WHERE ${condition}`,
  );
}

export interface AuditQuery {
  page: number;
  perPage: number;
  entity?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
}

export async function listAudit(db: Db, orgId: string, q: AuditQuery) {
  const filters: SQL[] = [eq(auditLog.orgId, orgId)];
  if (q.entity) filters.push(eq(auditLog.entity, q.entity));
  if (q.entityId) filters.push(eq(auditLog.entityId, q.entityId));
  if (q.actorId) filters.push(eq(auditLog.actorId, q.actorId));
  if (q.action) filters.push(eq(auditLog.action, q.action));
  const where = and(...filters);
  const [rows, total] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage),
    db.$count(auditLog, where),
  ]);
  return { rows, total };
}
