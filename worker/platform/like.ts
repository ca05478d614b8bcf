import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/**
 * Substring search through LIKE that takes the searched text literally. LIKE
 * reads `%` and `_` as wildcards, so a search for "%" would list every row;
 * they and the escape character itself are escaped for `ESCAPE '\'`.
 */
export const containsPattern = (value: string) => `%${value.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

/** Case-insensitive literal substring match on any of `columns`. */
export function matchesAny(value: string, columns: (SQLiteColumn | SQL)[]): SQL {
  const pattern = containsPattern(value);
  return sql`(${sql.join(
    columns.map((c) => sql`lower(${c}) LIKE ${pattern} ESCAPE '\\'`),
    sql` OR `,
  )})`;
}
