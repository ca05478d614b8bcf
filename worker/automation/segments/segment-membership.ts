import { and, eq, sql, type SQL } from "drizzle-orm";
import { contacts, segments, type Segment } from "../../../schema";
import type { Env } from "../../platform/env";
import { orgDb, type Db } from "../../platform/db";
import { publishDomainEvents, type DomainEventInput } from "../../platform/domain-events";
import { publishEvent } from "../../platform/room-rpc";
import type { Actor } from "../../platform/records";
import { listSelection, selectionConditions, selectionTable } from "../../crm";
import { parseFilter } from "./segment-filter";

/**
 * A segment's membership, computed as two set differences in SQL: the
 * records the filter selects that are not members yet are inserted, the
 * members it no longer selects are deleted. Each is one statement whatever
 * the size (INSERT … SELECT and DELETE … NOT IN (subquery), a handful of
 * bound parameters), and RETURNING names exactly the rows that statement
 * changed, so only a real change raises `segment.entered` / `segment.left`:
 * two evaluations racing over the same record raise one event, not two.
 */

/** What is re-evaluated: every record, one record, or the contacts of one company (its tags moved). */
export type EvaluationScope = { kind: "all" } | { kind: "record"; id: string } | { kind: "company"; id: string };

export interface EvaluationOptions {
  /** The clock relative filters ("no activity in 30 days") are read against. */
  now?: number;
  /** Who caused it (the change's actor and workflow origin), carried by the events; null for the system. */
  actor?: DomainEventInput["actor"];
  /** The record as it was, for a member whose record is gone (a deleted contact). */
  gone?: Record<string, unknown>;
}

export interface EvaluationResult {
  entered: string[];
  left: string[];
  memberCount: number;
}

/** Segments are organization-wide: their membership is computed over every record, whoever may see it. */
export const systemActor = (orgId: string): Actor => ({ userId: "system", orgId, role: "owner", sessionId: "", recordVisibility: "all" });

const EVENT_PAGE = 500;

/** The filter's WHERE, for the organization as a whole. */
export function segmentWhere(segment: Pick<Segment, "orgId" | "entity" | "filter">, now: number): SQL | undefined {
  const filter = parseFilter(segment.entity, segment.filter);
  return and(...selectionConditions(segment.entity, segment.orgId, systemActor(segment.orgId), filter, now));
}

export const membersOf = (segment: Pick<Segment, "id" | "entity">) =>
  sql`${selectionTable(segment.entity).id} IN (SELECT record_id FROM segment_members WHERE segment_id = ${segment.id})`;

function scopeConditions(segment: Segment, scope: EvaluationScope) {
  const table = selectionTable(segment.entity);
  switch (scope.kind) {
    case "all":
      return { candidates: undefined, members: undefined };
    case "record":
      return { candidates: eq(table.id, scope.id), members: sql`record_id = ${scope.id}` };
    case "company":
      return {
        candidates: eq(contacts.companyId, scope.id),
        members: sql`record_id IN (SELECT id FROM contacts WHERE org_id = ${segment.orgId} AND company_id = ${scope.id})`,
      };
  }
}

/** Records in their list shape by id, in pages; ids no longer there are missing from the map. */
async function recordsById(db: Db, segment: Segment, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const table = selectionTable(segment.entity);
  for (let i = 0; i < ids.length; i += EVENT_PAGE) {
    const chunk = JSON.stringify(ids.slice(i, i + EVENT_PAGE));
    const within = sql`${table.id} IN (SELECT value FROM json_each(${chunk}))`;
    const { rows } = await listSelection(db, segment.orgId, systemActor(segment.orgId), segment.entity, { page: 1, perPage: EVENT_PAGE }, within);
    for (const row of rows) found.set(row.id, row);
  }
  return found;
}

async function publishChanges(env: Env, db: Db, segment: Segment, result: EvaluationResult, options: EvaluationOptions) {
  const changed = [...result.entered, ...result.left];
  if (changed.length === 0) return;
  const records = await recordsById(db, segment, changed);
  const context = { segmentId: segment.id, segmentName: segment.name };
  const event = (type: "segment.entered" | "segment.left", id: string): DomainEventInput => ({
    orgId: segment.orgId,
    type,
    entity: segment.entity,
    entityId: id,
    record: records.get(id) ?? (options.gone?.id === id ? options.gone : { id }),
    context,
    actor: options.actor ?? null,
  });
  await publishDomainEvents(env, [...result.entered.map((id) => event("segment.entered", id)), ...result.left.map((id) => event("segment.left", id))]);
}

/**
 * Re-evaluates the segment over `scope`, keeps `memberCount` current (and
 * `evaluatedAt` on a full evaluation), raises the entered/left events and
 * tells the organization room.
 */
export async function evaluateSegment(env: Env, segment: Segment, scope: EvaluationScope, options: EvaluationOptions = {}): Promise<EvaluationResult> {
  const db = orgDb(env, segment.orgId);
  const startedAt = Date.now();
  const now = options.now ?? startedAt;
  const table = selectionTable(segment.entity);
  const where = segmentWhere(segment, now);
  const { candidates, members } = scopeConditions(segment, scope);
  const notMember = sql`${table.id} NOT IN (SELECT record_id FROM segment_members WHERE segment_id = ${segment.id})`;
  const inserted = await db.all<{ record_id: string }>(sql`INSERT INTO segment_members (segment_id, record_id, org_id, entered_at)
    SELECT ${segment.id}, ${table.id}, ${segment.orgId}, ${startedAt} FROM ${table} WHERE ${and(where, candidates, notMember)}
    ON CONFLICT DO NOTHING RETURNING record_id`);
  const selected = sql`SELECT ${table.id} FROM ${table} WHERE ${where ?? sql`1`}`;
  const deleted = await db.all<{ record_id: string }>(sql`DELETE FROM segment_members
    WHERE ${and(sql`segment_id = ${segment.id}`, members, sql`record_id NOT IN (${selected})`)} RETURNING record_id`);
  const [counted] = await db
    .update(segments)
    .set({
      memberCount: sql`(SELECT count(*) FROM segment_members WHERE segment_id = ${segment.id})`,
      ...(scope.kind === "all" ? { evaluatedAt: startedAt } : {}),
    })
    .where(and(eq(segments.orgId, segment.orgId), eq(segments.id, segment.id)))
    .returning({ memberCount: segments.memberCount });
  const result = { entered: inserted.map((r) => r.record_id), left: deleted.map((r) => r.record_id), memberCount: counted?.memberCount ?? 0 };
  await publishChanges(env, db, segment, result, options);
  if (scope.kind === "all" || result.entered.length || result.left.length) await announce(env, segment, result);
  return result;
}

async function announce(env: Env, segment: Segment, result: EvaluationResult) {
  try {
    await publishEvent(env, segment.orgId, "segment_updated", {
      segmentId: segment.id,
      memberCount: result.memberCount,
      entered: result.entered.length,
      left: result.left.length,
    });
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "segment_updated not published", orgId: segment.orgId, err: String(err) }));
  }
}
