import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { conflict, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { deals, pipelines, stages } from "../../../schema";
import { auditStatement, auditStatementIf } from "../../platform/audit-writer";
import { assertIdFree, idTaken, isUniqueViolation, type Actor } from "../../platform/records";

export interface StageView {
  id: string;
  name: string;
  probability: number;
}

export interface PipelineView {
  id: string;
  name: string;
  isDefault: boolean;
  stages: StageView[];
}

export interface StageInput {
  id?: string;
  name: string;
  probability: number;
}

/** Every new organization starts with this pipeline (see createOrganizationStatements). */
export const DEFAULT_PIPELINE = {
  name: "Sales pipeline",
  stages: [
    { name: "Lead", probability: 10 },
    { name: "Qualified", probability: 25 },
    { name: "Proposal", probability: 50 },
    { name: "Negotiation", probability: 75 },
    { name: "Closed won", probability: 100 },
    { name: "Closed lost", probability: 0 },
  ],
} as const;

/** The insert statements for a pipeline and its stages, for the caller's batch. */
function pipelineStatements(
  db: Db,
  orgId: string,
  pipeline: { id: string; name: string; isDefault: boolean; position: number },
  stageInputs: readonly StageInput[],
  now: number,
) {
  return [
    db.insert(pipelines).values({ ...pipeline, orgId, createdAt: now, updatedAt: now }),
    ...stageInputs.map((s, position) =>
      db.insert(stages).values({
        id: s.id ?? newId(),
        orgId,
        pipelineId: pipeline.id,
        name: s.name,
        probability: s.probability,
        position,
        createdAt: now,
      }),
    ),
  ] as const;
}

/** The default pipeline's statements, batched with the organization that gets it. */
export function defaultPipelineStatements(db: Db, orgId: string, now = Date.now()) {
  return pipelineStatements(db, orgId, { id: newId(), name: DEFAULT_PIPELINE.name, isDefault: true, position: 0 }, DEFAULT_PIPELINE.stages, now);
}

function assemble(pipelineRows: (typeof pipelines.$inferSelect)[], stageRows: (typeof stages.$inferSelect)[]): PipelineView[] {
  const byPipeline = new Map<string, StageView[]>();
  for (const s of stageRows) {
    const list = byPipeline.get(s.pipelineId) ?? [];
    list.push({ id: s.id, name: s.name, probability: s.probability });
    byPipeline.set(s.pipelineId, list);
  }
  return pipelineRows.map((p) => ({ id: p.id, name: p.name, isDefault: p.isDefault, stages: byPipeline.get(p.id) ?? [] }));
}

/** The organization's pipelines in order, each with its stages in order. */
export async function listPipelines(db: Db, orgId: string): Promise<PipelineView[]> {
  const [pipelineRows, stageRows] = await db.batch([
    db.select().from(pipelines).where(eq(pipelines.orgId, orgId)).orderBy(asc(pipelines.position), asc(pipelines.createdAt), asc(pipelines.id)),
    db.select().from(stages).where(eq(stages.orgId, orgId)).orderBy(asc(stages.position), asc(stages.id)),
  ]);
  return assemble(pipelineRows, stageRows);
}

/** One pipeline with its stages in order, or null when the organization has no such pipeline. */
export async function getPipelineWithStages(db: Db, orgId: string, pipelineId: string): Promise<PipelineView | null> {
  const [pipelineRows, stageRows] = await db.batch([
    db.select().from(pipelines).where(and(eq(pipelines.orgId, orgId), eq(pipelines.id, pipelineId))),
    db
      .select()
      .from(stages)
      .where(and(eq(stages.orgId, orgId), eq(stages.pipelineId, pipelineId)))
      .orderBy(asc(stages.position), asc(stages.id)),
  ]);
  return assemble(pipelineRows, stageRows)[0] ?? null;
}

export async function requirePipeline(db: Db, orgId: string, pipelineId: string): Promise<PipelineView> {
  const pipeline = await getPipelineWithStages(db, orgId, pipelineId);
  if (!pipeline) throw notFound("Pipeline");
  return pipeline;
}

/** Makes `pipelineId` the organization's only default pipeline. */
const makeDefault = (db: Db, orgId: string, pipelineId: string) =>
  db.update(pipelines).set({ isDefault: sql`${pipelines.id} = ${pipelineId}` }).where(eq(pipelines.orgId, orgId));

export async function createPipeline(
  db: Db,
  orgId: string,
  actor: Actor,
  input: { id?: string; name: string; isDefault?: boolean; stages: StageInput[] },
) {
  await assertIdFree(db, pipelines, input.id);
  for (const s of input.stages) await assertIdFree(db, stages, s.id);
  const [last] = await db
    .select({ position: sql<number>`coalesce(max(${pipelines.position}), -1)` })
    .from(pipelines)
    .where(eq(pipelines.orgId, orgId));
  const id = input.id ?? newId();
  const now = Date.now();
  const statements = pipelineStatements(db, orgId, { id, name: input.name, isDefault: false, position: (last?.position ?? -1) + 1 }, input.stages, now);
  try {
    await db.batch([
      ...statements,
      ...(input.isDefault ? [makeDefault(db, orgId, id)] : []),
      auditStatement(db, orgId, {
        actorId: actor.userId,
        action: "create",
        entity: "pipeline",
        entityId: id,
        changes: { name: input.name, stages: input.stages.map((s) => s.name) },
        requestId: actor.requestId,
      }),
    ]);
  } catch (err) {
    // Another request took one of the client-supplied ids since the check above.
    if (isUniqueViolation(err)) throw idTaken(id);
    throw err;
  }
  return requirePipeline(db, orgId, id);
}

export async function updatePipeline(db: Db, orgId: string, actor: Actor, pipelineId: string, input: { name?: string; isDefault?: true }) {
  const before = await requirePipeline(db, orgId, pipelineId);
  const changes: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== before.name) changes.name = { from: before.name, to: input.name };
  if (input.isDefault && !before.isDefault) changes.isDefault = { from: false, to: true };
  if (Object.keys(changes).length === 0) return before;
  await db.batch([
    db
      .update(pipelines)
      .set({ name: input.name ?? before.name, updatedAt: Date.now() })
      .where(and(eq(pipelines.orgId, orgId), eq(pipelines.id, pipelineId))),
    ...(changes.isDefault ? [makeDefault(db, orgId, pipelineId)] : []),
    auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "pipeline", entityId: pipelineId, changes, requestId: actor.requestId }),
  ]);
  return requirePipeline(db, orgId, pipelineId);
}

/**
 * Deletes a pipeline and its stages. One that deals use is kept (409), and so
 * is the organization's last pipeline; deleting the default makes the first
 * remaining pipeline the default. The guards sit inside the DELETE.
 */
export async function deletePipeline(db: Db, orgId: string, actor: Actor, pipelineId: string) {
  const pipeline = await requirePipeline(db, orgId, pipelineId);
  const noDeals = sql`NOT EXISTS (SELECT 1 FROM ${deals} WHERE ${deals.orgId} = ${orgId} AND ${deals.pipelineId} = ${pipelineId})`;
  const notLast = sql`(SELECT count(*) FROM ${pipelines} WHERE ${pipelines.orgId} = ${orgId}) > 1`;
  const gone = sql`NOT EXISTS (SELECT 1 FROM ${pipelines} WHERE ${pipelines.id} = ${pipelineId})`;
  const [deleted] = await db.batch([
    db
      .delete(pipelines)
      .where(and(eq(pipelines.orgId, orgId), eq(pipelines.id, pipelineId), noDeals, notLast))
      .returning({ id: pipelines.id }),
    auditStatementIf(
      db,
      orgId,
      { actorId: actor.userId, action: "delete", entity: "pipeline", entityId: pipelineId, changes: { name: pipeline.name }, requestId: actor.requestId },
      sql`changes() > 0`,
    ),
    db.delete(stages).where(and(eq(stages.orgId, orgId), eq(stages.pipelineId, pipelineId), gone)),
    db
      .update(pipelines)
      .set({ isDefault: true })
      .where(
        sql`${pipelines.id} = (SELECT id FROM ${pipelines} WHERE org_id = ${orgId} ORDER BY position, created_at, id LIMIT 1)
          AND NOT EXISTS (SELECT 1 FROM ${pipelines} WHERE org_id = ${orgId} AND is_default = 1)`,
      ),
  ]);
  if (deleted.length === 0) {
    const inUse = await db.$count(deals, and(eq(deals.orgId, orgId), eq(deals.pipelineId, pipelineId)));
    throw conflict(inUse ? "Deals are in this pipeline; move or delete them first" : "An organization keeps at least one pipeline");
  }
}
