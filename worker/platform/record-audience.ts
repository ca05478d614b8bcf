import { and, eq, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { calls, companies, contacts, deals, leads, memberships, organizations, type InsightRecordType } from "../../schema";
import type { AuthContext } from "./env";
import type { Db } from "./db";
import { ownRecordsOnly } from "./access";

/**
 * Who may see a record, for features that hold references to other features'
 * records (the insight inbox) and must not import them. One rule per record
 * type: the ids of that type's records a member may see, as a subquery, so a
 * list filters in SQL and a deleted record simply drops out. CRM records and
 * calls follow the owner column here; support registers tickets (its team
 * rule lives with it).
 */
export type RecordViewer = Pick<AuthContext, "userId" | "role" | "recordVisibility">;

/** `SELECT id FROM … WHERE …`: the existing records of one type, in one organization, this viewer may see. */
export type VisibleIds = (orgId: string, viewer: RecordViewer) => SQL;

const rules = new Map<InsightRecordType, VisibleIds>();

export function registerRecordAudience(type: InsightRecordType, visibleIds: VisibleIds): void {
  rules.set(type, visibleIds);
}

const ownedBy = (table: SQLiteTable & { id: SQLiteColumn; orgId: SQLiteColumn }, owner: SQLiteColumn): VisibleIds => (orgId, viewer) =>
  sql`SELECT ${table.id} FROM ${table} WHERE ${and(eq(table.orgId, orgId), ownRecordsOnly(viewer) ? eq(owner, viewer.userId) : undefined)}`;

registerRecordAudience("lead", ownedBy(leads, leads.ownerId));
registerRecordAudience("deal", ownedBy(deals, deals.ownerId));
registerRecordAudience("contact", ownedBy(contacts, contacts.ownerId));
registerRecordAudience("company", ownedBy(companies, companies.ownerId));
registerRecordAudience("call", ownedBy(calls, calls.agentUserId));

function ruleOf(type: InsightRecordType): VisibleIds {
  const rule = rules.get(type);
  if (!rule) throw new Error(`No record audience registered for ${type}`);
  return rule;
}

/** The condition "this (type, id) pair names a record the viewer may see", for queries over references. */
export function visibleReference(orgId: string, viewer: RecordViewer, typeColumn: SQLiteColumn, idColumn: SQLiteColumn, types: readonly InsightRecordType[]): SQL {
  const parts = types.map((type) => sql`(${typeColumn} = ${type} AND ${idColumn} IN (${ruleOf(type)(orgId, viewer)}))`);
  return sql`(${sql.join(parts, sql` OR `)})`;
}

/** Whether one viewer may see one record; false for a record that does not exist. */
export async function seesRecord(db: Db, orgId: string, viewer: RecordViewer, type: InsightRecordType, id: string): Promise<boolean> {
  const row = await db.get<{ one: number }>(sql`SELECT 1 AS one WHERE ${id} IN (${ruleOf(type)(orgId, viewer)})`);
  return !!row;
}

/**
 * The members who may see a record, or null when it does not exist. Members
 * who see everything are checked once; each restricted member on their own.
 */
export async function recordAudience(db: Db, orgId: string, type: InsightRecordType, id: string): Promise<string[] | null> {
  const [org, members] = await Promise.all([
    db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)).get(),
    db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.orgId, orgId)),
  ]);
  const recordVisibility = org?.settings.recordVisibility ?? "all";
  const viewers = members.map((m) => ({ ...m, recordVisibility }));
  const open = viewers.filter((v) => !ownRecordsOnly(v));
  const restricted = viewers.filter((v) => ownRecordsOnly(v));
  const anyone = { userId: "", role: "owner" as const, recordVisibility: "all" as const };
  const [exists, ...seen] = await Promise.all([seesRecord(db, orgId, anyone, type, id), ...restricted.map((v) => seesRecord(db, orgId, v, type, id))]);
  if (!exists) return null;
  return [...open.map((v) => v.userId), ...restricted.filter((_, i) => seen[i]).map((v) => v.userId)];
}

/** `SELECT id …` of one type's records the viewer may see, for lists that read those records directly (the dashboard). */
export const visibleRecordIds = (type: InsightRecordType, orgId: string, viewer: RecordViewer): SQL => ruleOf(type)(orgId, viewer);
