import type { z } from "@hono/zod-openapi";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { canSeeRecord, visibleTo } from "../../platform/access";
import { orgDb, type Db } from "../../platform/db";
import { changedFields, publishDomainEvent } from "../../platform/domain-events";
import type { Env } from "../../platform/env";
import { invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { hasTag } from "../../platform/list";
import {
  assertLink,
  assertOwner,
  baseConditions,
  cleanTags,
  matchesWords,
  publicRecord,
  requireVisible,
  sortBy,
  type Actor,
  type RecordTable,
} from "../../platform/records";
import { link, pageWithNames, type LinkName } from "./record-links";
import { creationColumns, deleteUnlessDeals, insertRecord, updateRecord } from "./record-writes";
import {
  columnOf,
  type RecordFilter,
  type RecordInput,
  type RecordLink,
  type RecordQuery,
  type RecordTypeSpec,
  type RowOf,
} from "./record-type-spec";

/**
 * List, get, create, update and delete for one CRM record type, as its spec
 * (record-type-spec.ts) describes it. Writes and their audit rows go through
 * record-writes.ts; row-level access is checked on every read and link.
 */
export function recordService<
  T extends RecordTable,
  Fields extends z.ZodRawShape,
  Required extends keyof Fields & string,
  Sort extends string,
  Filters extends Record<string, RecordFilter>,
  Schema extends z.ZodTypeAny,
  Detail extends z.ZodTypeAny,
  ListRow extends z.ZodTypeAny,
>(spec: RecordTypeSpec<T, Fields, Required, Sort, Filters, Schema, Detail, ListRow>) {
  type Row = RowOf<T>;
  type Input = RecordInput<Fields>;
  const { table } = spec;
  /** The records as answered: their columns plus what the type's `decorate` adds. */
  async function answered<R extends { id: string }>(db: Db, orgId: string, rows: R[]): Promise<R[]> {
    if (!spec.decorate || rows.length === 0) return rows;
    const extra = await spec.decorate(db, orgId, rows.map((r) => r.id));
    return rows.map((r) => ({ ...r, ...extra.get(r.id) }));
  }
  const answeredOne = async <R extends { id: string }>(db: Db, orgId: string, row: R) => (await answered(db, orgId, [row]))[0]!;
  const pick = (row: Row, keys: string[]) => Object.fromEntries(keys.map((key) => [key, (row as Record<string, unknown>)[key]]));

  /** Validated, normalized column values from the input; only the fields given. */
  async function valuesOf(db: Db, orgId: string, actor: Actor, input: Input, before?: Row) {
    const given = input as Record<string, unknown>;
    const values: Record<string, unknown> = {};
    const errors: Record<string, string[]> = {};
    for (const [key, rule] of Object.entries(spec.rules)) {
      if (!rule || given[key] === undefined) continue;
      const value = await rule.value(given[key], { db, orgId });
      if (value === undefined && rule.invalid) errors[key] = [rule.invalid];
      else values[key] = value;
    }
    if (Object.keys(errors).length) throw invalid(errors);
    for (const [key, linked] of Object.entries(spec.links)) {
      const id = given[key] as string | null | undefined;
      if (id === undefined) continue;
      await assertLink(db, linked.to, orgId, actor, id, key);
      values[key] = id;
    }
    if (input.tags !== undefined) values.tags = cleanTags(input.tags);
    if (input.ownerId !== undefined) {
      if (!spec.ownerFirst) await assertOwner(db, orgId, actor, input.ownerId, before?.ownerId);
      values.ownerId = input.ownerId;
    }
    return values as Partial<Row>;
  }

  /** The linked record as `{id, name}`; null when none or not visible to the caller. */
  async function linkedRecord(db: Db, orgId: string, actor: Actor, linked: RecordLink, id: unknown) {
    if (typeof id !== "string" || !id) return null;
    const row = await db
      .select({ id: linked.to.id, name: linked.name, ownerId: linked.to.ownerId })
      .from(linked.to)
      .where(and(eq(linked.to.orgId, orgId), eq(linked.to.id, id)))
      .get();
    return row && canSeeRecord(actor, row.ownerId as string | null) ? { id: row.id as string, name: row.name as string } : null;
  }

  /**
   * The WHERE conditions of a list query: what the list, its CSV export and
   * the segments saved from it (worker/automation/segments) select, so the
   * three never disagree.
   */
  function conditions(orgId: string, actor: Actor, q: Omit<RecordQuery<Sort, Filters>, "page" | "perPage" | "sort">, now = Date.now()) {
    const query = q as Record<string, unknown>;
    return [
      ...baseConditions(table, orgId, actor),
      q.q ? matchesWords(q.q, spec.search.fts, table, orgId, spec.search.columns) : undefined,
      q.ownerId ? eq(table.ownerId, q.ownerId) : undefined,
      q.tag ? hasTag(columnOf(table, "tags"), q.tag) : undefined,
      ...Object.entries(spec.filters).map(([key, { where }]) => (query[key] ? where(query[key] as never, now) : undefined)),
    ];
  }

  /** `within` narrows the list further (a segment's members). */
  async function list(db: Db, orgId: string, actor: Actor, q: RecordQuery<Sort, Filters>, within?: SQL) {
    const names: Record<string, LinkName> = Object.fromEntries(
      Object.entries(spec.links).map(([key, linked]) => [linked.listedAs, link(linked.to, columnOf(table, key), sql`${linked.name}`)]),
    );
    const { rows, total } = await pageWithNames<Row, string>(
      db,
      actor,
      orgId,
      table,
      names,
      [...conditions(orgId, actor, q), within],
      sortBy(q.sort, spec.sorts, table.id),
      q.page,
      q.perPage,
    );
    return { rows: await answered(db, orgId, rows.map(publicRecord) as (ReturnType<typeof publicRecord<Row>> & { id: string })[]), total };
  }

  async function get(db: Db, orgId: string, actor: Actor, id: string) {
    const row = await requireVisible<Row>(db, table, orgId, actor, id, spec.name);
    const linked = Object.entries(spec.links).map(async ([key, linked]) => [
      linked.detailedAs,
      await linkedRecord(db, orgId, actor, linked, (row as Record<string, unknown>)[key]),
    ]);
    const counts = Object.entries(spec.counts ?? {}).map(async ([key, { table: from, key: via }]) => [
      key,
      await db.$count(from, and(eq(from.orgId, orgId), eq(columnOf(from, via), id), visibleTo(actor, from.ownerId))),
    ]);
    const detail = { ...(await answeredOne(db, orgId, publicRecord(row))), ...Object.fromEntries(await Promise.all(linked)) };
    return spec.counts ? { ...detail, counts: Object.fromEntries(await Promise.all(counts)) } : detail;
  }

  /** The change as automation sees it, after it committed; `actor.origin` marks a workflow's change. */
  const publish = (env: Env, orgId: string, actor: Actor, type: "created" | "updated" | "deleted", record: { id: string }, previous?: object) =>
    publishDomainEvent(env, {
      orgId,
      type: `${spec.entity}.${type}`,
      entity: spec.entity,
      entityId: record.id,
      record: record as Record<string, unknown>,
      previous: previous as Record<string, unknown> | undefined,
      actor,
    });

  async function create(env: Env, orgId: string, actor: Actor, input: Input & { id?: string }) {
    const db = orgDb(env, orgId);
    if (spec.ownerFirst) await assertOwner(db, orgId, actor, input.ownerId);
    const values = await valuesOf(db, orgId, actor, input);
    spec.beforeInsert?.(values);
    const own = Object.entries(spec.blank).map(([key, blank]) => [key, (values as Record<string, unknown>)[key] ?? blank]);
    const row = {
      id: input.id ?? newId(),
      orgId,
      ...Object.fromEntries(own),
      ...creationColumns(actor, values, Date.now()),
    } as Row;
    const created = await answeredOne(db, orgId, await insertRecord(db, table, orgId, actor, row, { entity: spec.entity, changes: pick(row, spec.audited.create) }));
    await publish(env, orgId, actor, "created", created);
    return created;
  }

  async function update(env: Env, orgId: string, actor: Actor, id: string, input: Input) {
    const db = orgDb(env, orgId);
    const before = await requireVisible<Row>(db, table, orgId, actor, id, spec.name);
    if (spec.ownerFirst) await assertOwner(db, orgId, actor, input.ownerId, before.ownerId);
    const values = await valuesOf(db, orgId, actor, input, before);
    spec.beforeUpdate?.(before, values);
    const updated = await answeredOne(db, orgId, await updateRecord(db, table, orgId, actor, before, values, spec.entity));
    // What the type adds (a lead's score) is the same before and after: it does not follow the columns.
    const previous = { ...updated, ...publicRecord(before) };
    if (changedFields(previous, updated).length) await publish(env, orgId, actor, "updated", updated, previous);
    return updated;
  }

  /** A record that deals point at is kept (409); what else pointed at it stays, unlinked. */
  async function remove(env: Env, orgId: string, actor: Actor, id: string) {
    const db = orgDb(env, orgId);
    const row = await requireVisible<Row>(db, table, orgId, actor, id, spec.name);
    const record = await answeredOne(db, orgId, publicRecord(row));
    await deleteUnlessDeals(db, table, orgId, actor, id, {
      what: spec.name,
      dealColumn: spec.dealColumn,
      audit: { entity: spec.entity, changes: pick(row, spec.audited.remove) },
      unlink: (gone) =>
        spec.unlinkOnDelete.map(({ table: from, key }) =>
          db
            .update(from)
            .set({ [key]: null })
            .where(and(eq(from.orgId, orgId), eq(columnOf(from, key), id), gone)),
        ),
      conflictMessage: spec.deleteConflict,
    });
    await publish(env, orgId, actor, "deleted", record);
  }

  return { spec, conditions, list, get, create, update, remove };
}

/** The list query of a type's service, which the CSV export takes too. */
export type ListQueryOf<Service extends { list: (db: Db, orgId: string, actor: Actor, q: never) => unknown }> = Parameters<Service["list"]>[3];

/** Any type's service: what the generic router calls, whichever type it serves. */
export type RecordService = ReturnType<typeof recordService<any, any, any, any, any, any, any, any>>;
