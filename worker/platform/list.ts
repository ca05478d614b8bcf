import { z } from "@hono/zod-openapi";
import { and, asc, desc, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./db";
import { paginationQuery } from "./http";

/**
 * `sort` accepts each allowed field, optionally prefixed with "-" for
 * descending; anything else is a validation error.
 */
export function sortParam<K extends string>(fields: readonly [K, ...K[]], fallback: K | `-${K}`) {
  const values = fields.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];
  return z.enum(values).default(fallback) as unknown as z.ZodDefault<z.ZodType<K | `-${K}`>>;
}

export const listQuery = paginationQuery;

export function orderFor<K extends string>(sort: K | `-${K}`, columns: Record<K, SQLiteColumn>, tiebreak: SQLiteColumn) {
  const key = (sort.startsWith("-") ? sort.slice(1) : sort) as K;
  const dir = sort.startsWith("-") ? desc : asc;
  return [dir(columns[key]), asc(tiebreak)];
}

/** One page of rows plus the total, with every condition ANDed together. */
export async function pageOf<T>(
  db: Db,
  table: SQLiteTable,
  conditions: (SQL | undefined)[],
  orderBy: SQL[],
  page: number,
  perPage: number,
): Promise<{ rows: T[]; total: number }> {
  const where = and(...conditions.filter((c): c is SQL => c !== undefined));
  const [rows, [count]] = await Promise.all([
    db.select().from(table).where(where).orderBy(...orderBy).limit(perPage).offset((page - 1) * perPage),
    db.select({ total: sql<number>`count(*)` }).from(table).where(where),
  ]);
  return { rows: rows as T[], total: count?.total ?? 0 };
}

/** Tags filter: records carrying the tag (tags are a JSON array column). */
export const hasTag = (column: SQLiteColumn, tag: string) =>
  sql`EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value = ${tag})`;
