import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../../platform/db";

/**
 * `INSERT INTO t SELECT …values WHERE condition`: a row written only if
 * `condition` holds when the statement runs inside its batch, so rows that
 * depend on a guarded update (the invoice an accepted quote becomes, the
 * lines of a draft still a draft) land with it or not at all. Drizzle lists
 * every column of the table in order for `insert().select()`, so columns
 * left out are given their declared defaults here.
 */
export function insertIf<T extends SQLiteTable>(db: Db, table: T, values: T["$inferInsert"], condition: SQL) {
  const given = values as Record<string, unknown>;
  const columns = Object.entries(getTableColumns(table) as Record<string, SQLiteColumn>);
  const params = columns.map(([key, col]) => {
    const value = given[key] !== undefined ? given[key] : col.default !== undefined ? col.default : col.defaultFn ? col.defaultFn() : null;
    return value === null || value === undefined ? sql`NULL` : sql`${col.mapToDriverValue(value)}`;
  });
  return db.insert(table).select(sql`SELECT ${sql.join(params, sql`, `)} WHERE ${condition}`);
}
