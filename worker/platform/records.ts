import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { AuthContext } from "./env";
import { canSeeRecord, visibleTo } from "./access";
import type { Db } from "./db";
import { conflict, forbidden, invalid, notFound } from "./errors";
import { matchesAny } from "./like";
import { allows } from "./permissions";
import { memberships, organizations } from "../../schema";
import { matchExpression, searchTerms } from "./fts-query";
import { parsePhone } from "./phone";

/**
 * Helpers every CRM record service shares: who is acting, owner and link
 * validation, client-supplied ids, text cleanup and audit diffs. The audited
 * writes built on them are in record-writes.ts.
 */
export interface Actor extends AuthContext {
  requestId?: string;
}

export const actorOf = (auth: AuthContext, requestId?: string): Actor => ({ ...auth, requestId });

/** A table with the columns every record has (`recordColumns` in schema/crm.ts). */
export type RecordTable = SQLiteTable & { id: SQLiteColumn; orgId: SQLiteColumn; ownerId: SQLiteColumn };

/**
 * The record with this id in the organization, if the caller may see it.
 * Another organization's record and a record hidden by row-level access are
 * both "not found", so neither existence leaks.
 */
export async function findVisible<T extends { ownerId: string | null }>(
  db: Db,
  table: RecordTable,
  orgId: string,
  actor: Actor,
  id: string,
): Promise<T | null> {
  const row = (await db
    .select()
    .from(table)
    .where(and(eq(table.orgId, orgId), eq(table.id, id)))
    .get()) as T | undefined;
  return row && canSeeRecord(actor, row.ownerId) ? row : null;
}

export async function requireVisible<T extends { ownerId: string | null }>(
  db: Db,
  table: RecordTable,
  orgId: string,
  actor: Actor,
  id: string,
  what: string,
): Promise<T> {
  const row = await findVisible<T>(db, table, orgId, actor, id);
  if (!row) throw notFound(what);
  return row;
}

/** A link to another record (`companyId`, `dealId`, ...) must name one the caller can see in the organization. */
export async function assertLink(db: Db, table: RecordTable, orgId: string, actor: Actor, id: string | null | undefined, field: string) {
  if (!id) return;
  const row = await db
    .select({ ownerId: table.ownerId })
    .from(table)
    .where(and(eq(table.orgId, orgId), eq(table.id, id)))
    .get();
  if (!row || !canSeeRecord(actor, row.ownerId as string | null)) {
    throw invalid({ [field]: ["No such record in this organization"] });
  }
}

/**
 * One rule for every record, the board's too (rooms/board.ts): only roles
 * with records:reassign give a record to someone else. Others create records
 * for themselves and leave an owner as it is. `current` is the record's owner
 * for an update, undefined for a create.
 */
export function assertMayAssign(actor: Pick<Actor, "userId" | "role" | "apiKey">, ownerId: string | null | undefined, current?: string | null) {
  if (ownerId === undefined || allows(actor, "records:reassign")) return;
  const keeps = current === undefined ? ownerId === actor.userId : ownerId === current;
  if (!keeps) throw forbidden(`Your role (${actor.role}) cannot assign records to someone else; a manager can`);
}

/**
 * Owners must be members of the organization, and only some roles may
 * reassign (see assertMayAssign). Memberships are a directory table; `orgDb`
 * and `directoryDb` are one database today (worker/platform/db.ts).
 */
export async function assertOwner(
  db: Db,
  orgId: string,
  actor: Actor,
  ownerId: string | null | undefined,
  current?: string | null,
  field = "ownerId",
) {
  assertMayAssign(actor, ownerId, current);
  if (!ownerId || ownerId === actor.userId) return;
  const member = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, ownerId)))
    .get();
  if (!member) throw invalid({ [field]: ["Not a member of this organization"] });
}

/** Client-minted ids (offline creation) must be new; ids are global, so a row with it anywhere conflicts. */
export async function assertIdFree(db: Db, table: SQLiteTable & { id: SQLiteColumn }, id: string | undefined) {
  if (!id) return;
  const taken = await db.select({ id: table.id }).from(table).where(eq(table.id, id)).get();
  if (taken) throw idTaken(id);
}

export const idTaken = (id: string) => conflict(`A record with id ${id} already exists`, { id: ["Already taken"] });

/** Whether a D1 error is a primary key or unique index violation (a create racing another with the same id). */
export const isUniqueViolation = (err: unknown) => err instanceof Error && /UNIQUE constraint failed/i.test(`${err.message} ${String(err.cause ?? "")}`);

/** The organization's default country, for reading phone numbers written without a country code. */
export async function defaultCountryOf(db: Db, orgId: string): Promise<string> {
  const org = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)).get();
  return org?.settings.defaultCountry ?? "US";
}

/**
 * A phone number in E.164: null when blank, undefined when it is not a phone
 * number. The organization's country is only looked up when there is a number.
 */
export async function phoneOf(db: Db, orgId: string, raw: string | null): Promise<string | null | undefined> {
  return raw?.trim() ? parsePhone(raw, await defaultCountryOf(db, orgId)) : null;
}

/** Trimmed text, with empty strings stored as null. */
export const text = (value: string | null | undefined): string | null => {
  const t = value?.trim();
  return t ? t : null;
};

/** Tags trimmed and deduplicated, in the order given. */
export const cleanTags = (tags: readonly string[]): string[] => [...new Set(tags.map((t) => t.trim()).filter(Boolean))];

/**
 * The `q` filter of a record list: every word as a word prefix, through the
 * table's FTS5 index (migration 0002), so it stays fast among 100,000 rows
 * where a LIKE scan does not. Input with no word in it (say "%_") falls back
 * to a literal substring match on `columns`.
 */
export function matchesWords(
  value: string,
  ftsTable: "contacts_fts" | "companies_fts" | "leads_fts",
  table: RecordTable,
  orgId: string,
  columns: (SQLiteColumn | SQL)[],
): SQL {
  const terms = searchTerms(value);
  if (terms.length === 0) return matchesAny(value, columns);
  const fts = sql.raw(ftsTable);
  return sql`${table}.rowid IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${matchExpression(orgId, terms)})`;
}

/** The WHERE conditions of every record list: organization, row-level access, owner and tag filters. */
export function baseConditions(table: RecordTable, orgId: string, actor: Actor) {
  return [eq(table.orgId, orgId), visibleTo(actor, table.ownerId)];
}

/**
 * ORDER BY for a `sort` value such as `name` or `-createdAt`; a key may sort by
 * several columns (contacts' name is last name, then first name). Text sorts
 * ignore case, and the id breaks ties so pages never overlap.
 */
export function sortBy<K extends string>(
  sort: K | `-${K}`,
  columns: Record<K, SQLiteColumn | SQLiteColumn[]>,
  tiebreak: SQLiteColumn,
): SQL[] {
  const descending = sort.startsWith("-");
  const key = (descending ? sort.slice(1) : sort) as K;
  const cols = ([] as SQLiteColumn[]).concat(columns[key]);
  // NULLS LAST only where NULLs can occur, so NOT NULL sorts can walk an index (migration 0004).
  const order = cols.map((col) => {
    const expr = col.columnType === "SQLiteText" ? sql`${col} COLLATE NOCASE` : sql`${col}`;
    const nulls = col.notNull ? sql`` : sql` NULLS LAST`;
    return descending ? sql`${expr} DESC${nulls}` : sql`${expr} ASC${nulls}`;
  });
  return [...order, descending ? desc(tiebreak) : asc(tiebreak)];
}

/** `{field: {from, to}}` for each field whose value changes, for the audit row. */
export function changesOf(before: Record<string, unknown>, after: Record<string, unknown>) {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(after)) {
    const from = before[key];
    if (to !== undefined && JSON.stringify(from) !== JSON.stringify(to)) out[key] = { from: from ?? null, to };
  }
  return out;
}

/** Drops the tenant column from a row before it is answered. */
export function publicRecord<T extends { orgId: string }>(row: T): Omit<T, "orgId"> {
  const { orgId: _org, ...rest } = row;
  return rest;
}
