import { z } from "@hono/zod-openapi";
import { and, eq, gte, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { activities } from "../../../schema";
import type { RecordTable } from "../../platform/records";
import { filter } from "./record-type-spec";

/**
 * The list filters every record type shares beyond `q`, `ownerId` and `tag`:
 * created and updated ranges, and activity recency (the newest activity
 * logged on the record). Segments save these filters, so the activity ones
 * are marked time-relative: their result moves with the clock ("in the last
 * 30 days") or with activities, which raise no record event.
 */
const DAY = 86_400_000;

const Millis = z.coerce.number().int().min(0).max(8_640_000_000_000_000).optional();
const Days = z.coerce.number().int().min(1).max(3650).optional();

/** Some activity on the record at or after `since`. */
const activeSince = (table: RecordTable, via: SQLiteColumn, since: number) =>
  sql`EXISTS (SELECT 1 FROM ${activities} WHERE ${and(eq(activities.orgId, table.orgId), eq(via, table.id), gte(activities.createdAt, since))})`;

export function recencyFilters(table: RecordTable & { createdAt: SQLiteColumn; updatedAt: SQLiteColumn }, activityColumn: SQLiteColumn) {
  const describe = (schema: typeof Millis | typeof Days, description: string) => schema.openapi({ description });
  return {
    createdAfter: filter(describe(Millis, "Created at or after (epoch ms)"), (at) => gte(table.createdAt, at)),
    createdBefore: filter(describe(Millis, "Created before (epoch ms)"), (at) => sql`${table.createdAt} < ${at}`),
    updatedAfter: filter(describe(Millis, "Updated at or after (epoch ms)"), (at) => gte(table.updatedAt, at)),
    updatedBefore: filter(describe(Millis, "Updated before (epoch ms)"), (at) => sql`${table.updatedAt} < ${at}`),
    lastActivityAfter: filter(describe(Millis, "Some activity logged at or after (epoch ms)"), (at) => activeSince(table, activityColumn, at), true),
    lastActivityBefore: filter(
      describe(Millis, "No activity logged at or after (epoch ms); records with none match"),
      (at) => sql`NOT ${activeSince(table, activityColumn, at)}`,
      true,
    ),
    activeWithinDays: filter(
      describe(Days, "Some activity logged in the last N days"),
      (days, now) => activeSince(table, activityColumn, now - days * DAY),
      true,
    ),
    inactiveForDays: filter(
      describe(Days, "No activity logged in the last N days (records with none match)"),
      (days, now) => sql`NOT ${activeSince(table, activityColumn, now - days * DAY)}`,
      true,
    ),
  };
}
