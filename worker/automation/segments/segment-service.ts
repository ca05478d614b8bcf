import { and, asc, eq, sql } from "drizzle-orm";
import { segmentMembers, segments, type Segment, type SegmentEntity } from "../../../schema";
import type { Env } from "../../platform/env";
import { orgDb, type Db } from "../../platform/db";
import { notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { Actor } from "../../platform/records";
import { exportSelection, isTimeRelative, listSelection } from "../../crm";
import { parseFilter, type StoredFilter } from "./segment-filter";
import { evaluateSegment, membersOf, segmentWhere, systemActor } from "./segment-membership";

/**
 * Segments as the API manages them. A segment is an organization-wide
 * definition (its members are every record the filter selects); reading
 * members goes through the list, so row-level access applies there as on
 * the list itself.
 */
export interface SegmentInput {
  name: string;
  description?: string | null;
  entity: SegmentEntity;
  filter: StoredFilter;
}

/** The segment as answered, with whether it moves with the clock (re-evaluated hourly). */
export const segmentView = (segment: Segment) => {
  const { orgId: _org, ...rest } = segment;
  return { ...rest, timeRelative: isTimeRelative(segment.entity, segment.filter) };
};

export async function requireSegment(db: Db, orgId: string, id: string): Promise<Segment> {
  const segment = await db
    .select()
    .from(segments)
    .where(and(eq(segments.orgId, orgId), eq(segments.id, id)))
    .get();
  if (!segment) throw notFound("Segment");
  return segment;
}

export const listSegments = (db: Db, orgId: string) =>
  db.select().from(segments).where(eq(segments.orgId, orgId)).orderBy(asc(sql`${segments.name} COLLATE NOCASE`), asc(segments.id));

export async function createSegment(env: Env, actor: Actor, input: SegmentInput): Promise<Segment> {
  parseFilter(input.entity, input.filter);
  const db = orgDb(env, actor.orgId);
  const now = Date.now();
  const [segment] = await db
    .insert(segments)
    .values({
      id: newId(),
      orgId: actor.orgId,
      name: input.name,
      description: input.description ?? null,
      entity: input.entity,
      filter: input.filter,
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await evaluateSegment(env, segment!, { kind: "all" }, { actor });
  return requireSegment(db, actor.orgId, segment!.id);
}

export async function updateSegment(env: Env, actor: Actor, id: string, input: Partial<Omit<SegmentInput, "entity">>): Promise<Segment> {
  const db = orgDb(env, actor.orgId);
  const before = await requireSegment(db, actor.orgId, id);
  if (input.filter) parseFilter(before.entity, input.filter);
  const [segment] = await db
    .update(segments)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.filter !== undefined ? { filter: input.filter } : {}),
      updatedAt: Date.now(),
    })
    .where(and(eq(segments.orgId, actor.orgId), eq(segments.id, id)))
    .returning();
  if (input.filter !== undefined) await evaluateSegment(env, segment!, { kind: "all" }, { actor });
  return requireSegment(db, actor.orgId, id);
}

/** The members go with it; nobody "leaves" a segment that no longer exists, so no events. */
export async function deleteSegment(env: Env, orgId: string, id: string): Promise<void> {
  const db = orgDb(env, orgId);
  await requireSegment(db, orgId, id);
  await db.batch([
    db.delete(segmentMembers).where(and(eq(segmentMembers.orgId, orgId), eq(segmentMembers.segmentId, id))),
    db.delete(segments).where(and(eq(segments.orgId, orgId), eq(segments.id, id))),
  ]);
}

export async function refreshSegment(env: Env, actor: Actor, id: string) {
  const segment = await requireSegment(orgDb(env, actor.orgId), actor.orgId, id);
  const result = await evaluateSegment(env, segment, { kind: "all" }, { actor });
  return { segment: await requireSegment(orgDb(env, actor.orgId), actor.orgId, id), entered: result.entered.length, left: result.left.length };
}

/** The members the caller may see, in the list's shape and default order. */
export async function segmentMembersPage(env: Env, actor: Actor, id: string, page: number, perPage: number) {
  const db = orgDb(env, actor.orgId);
  const segment = await requireSegment(db, actor.orgId, id);
  return listSelection(db, actor.orgId, actor, segment.entity, { page, perPage }, membersOf(segment));
}

export async function segmentExport(env: Env, actor: Actor, id: string) {
  const db = orgDb(env, actor.orgId);
  const segment = await requireSegment(db, actor.orgId, id);
  return exportSelection(db, actor.orgId, actor, segment.entity, membersOf(segment));
}

/**
 * What a filter would select now, for the builder's live count: the
 * organization-wide count (what `memberCount` will be) and the first ten
 * records the caller may see.
 */
export async function previewSegment(env: Env, actor: Actor, entity: SegmentEntity, filter: StoredFilter) {
  parseFilter(entity, filter);
  const db = orgDb(env, actor.orgId);
  const where = segmentWhere({ orgId: actor.orgId, entity, filter }, Date.now());
  const [all, sample] = await Promise.all([
    listSelection(db, actor.orgId, systemActor(actor.orgId), entity, { page: 1, perPage: 1 }, where ?? sql`1`),
    listSelection(db, actor.orgId, actor, entity, { page: 1, perPage: 10 }, where ?? sql`1`),
  ]);
  return { count: all.total, records: sample.rows };
}
