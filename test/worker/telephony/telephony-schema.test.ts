import { env } from "cloudflare:workers";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { callActivities, callQueueMembers, callQueues, calls, telephonyExtensions, telephonyProviders } from "../../../schema";

/** The hand-written migration 0006 must build exactly the tables the drizzle schema describes. */
describe("telephony migration", () => {
  const tables: SQLiteTable[] = [telephonyProviders, telephonyExtensions, callQueues, callQueueMembers, calls, callActivities];

  it.each(tables.map((t) => [getTableConfig(t).name, t] as const))("%s matches the drizzle schema", async (name, table) => {
    const config = getTableConfig(table);
    const info = await env.DB.prepare(`PRAGMA table_info(${name})`).all<{ name: string; notnull: number; pk: number }>();
    const actual = info.results.map((c) => ({ name: c.name, notNull: c.notnull === 1 || c.pk === 1 }));
    const expected = config.columns.map((c) => ({ name: c.name, notNull: c.notNull || c.primary }));
    expect(actual).toEqual(expected);
    const indexes = await env.DB.prepare(`PRAGMA index_list(${name})`).all<{ name: string; unique: number; origin: string }>();
    const declared = config.indexes.map((i) => ({ name: i.config.name, unique: i.config.unique }));
    const created = indexes.results.filter((i) => i.origin === "c").map((i) => ({ name: i.name, unique: i.unique === 1 }));
    expect(created.sort((a, b) => a.name.localeCompare(b.name))).toEqual(declared.sort((a, b) => a.name.localeCompare(b.name)));
  });
});
