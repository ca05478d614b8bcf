import { and, eq, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { visibleTo } from "../lib/access";
import type { Db } from "../lib/db";
import type { contacts, leads } from "../../schema";
import type { Actor, RecordTable } from "./records";

/**
 * The names of linked records on list rows (a contact's company, a deal's
 * contact and company, ...), LEFT JOINed into the page's own query, so a list
 * costs the same two queries however many rows it shows. A link the caller
 * may not see (row-level access) has a null name, as on the detail pages.
 */

/** One linked name: the table it comes from, the row's column pointing at it, and the name expression. */
export interface LinkName {
  table: RecordTable;
  via: SQLiteColumn;
  name: SQL<string | null>;
}

/** A person's display name, as the lists show it. */
export const personName = (t: typeof contacts | typeof leads) => sql<string | null>`trim(${t.firstName} || ' ' || ${t.lastName})`;

export const link = (table: RecordTable, via: SQLiteColumn, name: SQL<string | null>): LinkName => ({ table, via, name });

export async function pageWithNames<T, K extends string>(
  db: Db,
  actor: Actor,
  orgId: string,
  table: SQLiteTable,
  links: Record<K, LinkName>,
  conditions: (SQL | undefined)[],
  orderBy: SQL[],
  page: number,
  perPage: number,
): Promise<{ rows: (T & Record<K, string | null>)[]; total: number }> {
  const where = and(...conditions.filter((c): c is SQL => c !== undefined));
  const entries = Object.entries(links) as [K, LinkName][];
  const names = Object.fromEntries(entries.map(([key, link]) => [key, link.name]));
  let query = db.select({ row: table, ...names } as Record<string, unknown> as { row: SQLiteTable }).from(table).$dynamic();
  for (const [, link] of entries) {
    query = query.leftJoin(link.table, and(eq(link.table.id, link.via), eq(link.table.orgId, orgId), visibleTo(actor, link.table.ownerId)));
  }
  const [rows, [count]] = await Promise.all([
    query.where(where).orderBy(...orderBy).limit(perPage).offset((page - 1) * perPage),
    db.select({ total: sql<number>`count(*)` }).from(table).where(where),
  ]);
  return {
    rows: (rows as unknown as ({ row: T } & Record<K, string | null>)[]).map(({ row, ...rest }) => ({ ...row, ...rest }) as T & Record<K, string | null>),
    total: count?.total ?? 0,
  };
}
