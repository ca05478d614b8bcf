import { and, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { conflict, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { deals, stages } from "../../../schema";
import { auditStatement, auditStatementIf } from "../../platform/audit-writer";
import { requirePipeline, type StageInput } from "./pipelines";
import { assertIdFree, idTaken, isUniqueViolation, type Actor } from "../../platform/records";

/** Stages of a pipeline: added at a position, renamed, re-weighted, reordered and deleted. */

export const MAX_STAGES = 50;

async function requireStage(db: Db, orgId: string, pipelineId: string, stageId: string) {
  const stage = await db
    .select()
    .from(stages)
    .where(and(eq(stages.orgId, orgId), eq(stages.pipelineId, pipelineId), eq(stages.id, stageId)))
    .get();
  if (!stage) throw notFound("Stage");
  return stage;
}

/** Adds a stage at `position` (0-based; the end when omitted or past it), shifting the later ones. */
export async function addStage(db: Db, orgId: string, actor: Actor, pipelineId: string, input: StageInput & { position?: number }) {
  const pipeline = await requirePipeline(db, orgId, pipelineId);
  if (pipeline.stages.length >= MAX_STAGES) throw conflict(`A pipeline has at most ${MAX_STAGES} stages`);
  await assertIdFree(db, stages, input.id);
  const position = Math.min(input.position ?? pipeline.stages.length, pipeline.stages.length);
  const id = input.id ?? newId();
  try {
    await db.batch([
      db
        .update(stages)
        .set({ position: sql`${stages.position} + 1` })
        .where(and(eq(stages.orgId, orgId), eq(stages.pipelineId, pipelineId), gte(stages.position, position))),
      db.insert(stages).values({
        id,
        orgId,
        pipelineId,
        name: input.name,
        probability: input.probability,
        position,
        createdAt: Date.now(),
      }),
      auditStatement(db, orgId, {
        actorId: actor.userId,
        action: "create",
        entity: "stage",
        entityId: id,
        changes: { pipelineId, name: input.name, probability: input.probability, position },
        requestId: actor.requestId,
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw idTaken(id);
    throw err;
  }
  return requirePipeline(db, orgId, pipelineId);
}

export async function updateStage(
  db: Db,
  orgId: string,
  actor: Actor,
  pipelineId: string,
  stageId: string,
  input: { name?: string; probability?: number },
) {
  const before = await requireStage(db, orgId, pipelineId, stageId);
  const changes: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== before.name) changes.name = { from: before.name, to: input.name };
  if (input.probability !== undefined && input.probability !== before.probability) {
    changes.probability = { from: before.probability, to: input.probability };
  }
  if (Object.keys(changes).length > 0) {
    await db.batch([
      db
        .update(stages)
        .set({ name: input.name ?? before.name, probability: input.probability ?? before.probability })
        .where(and(eq(stages.orgId, orgId), eq(stages.id, stageId))),
      auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "stage", entityId: stageId, changes, requestId: actor.requestId }),
    ]);
  }
  return requirePipeline(db, orgId, pipelineId);
}

/**
 * Deletes a stage and closes the gap. A stage holding open deals is kept
 * (409), and so is a pipeline's last stage; both guards sit inside the DELETE
 * so a deal moved in meanwhile still stops it. Won and lost deals keep their
 * (now historical) stage id.
 */
export async function deleteStage(db: Db, orgId: string, actor: Actor, pipelineId: string, stageId: string) {
  const stage = await requireStage(db, orgId, pipelineId, stageId);
  const noOpenDeals = sql`NOT EXISTS (SELECT 1 FROM ${deals} WHERE ${deals.orgId} = ${orgId} AND ${deals.stageId} = ${stageId} AND ${deals.status} = 'open')`;
  const notLast = sql`(SELECT count(*) FROM ${stages} WHERE ${stages.pipelineId} = ${pipelineId}) > 1`;
  const gone = sql`NOT EXISTS (SELECT 1 FROM ${stages} WHERE ${stages.id} = ${stageId})`;
  const [deleted] = await db.batch([
    db
      .delete(stages)
      .where(and(eq(stages.orgId, orgId), eq(stages.id, stageId), noOpenDeals, notLast))
      .returning({ id: stages.id }),
    auditStatementIf(
      db,
      orgId,
      { actorId: actor.userId, action: "delete", entity: "stage", entityId: stageId, changes: { pipelineId, name: stage.name }, requestId: actor.requestId },
      sql`changes() > 0`,
    ),
    db
      .update(stages)
      .set({ position: sql`${stages.position} - 1` })
      .where(and(eq(stages.orgId, orgId), eq(stages.pipelineId, pipelineId), sql`${stages.position} > ${stage.position}`, gone)),
  ]);
  if (deleted.length === 0) {
    const open = await db.$count(deals, and(eq(deals.orgId, orgId), eq(deals.stageId, stageId), eq(deals.status, "open")));
    throw conflict(open ? `${open} open deal(s) are in this stage; move them first` : "A pipeline keeps at least one stage");
  }
  return requirePipeline(db, orgId, pipelineId);
}

/** Puts the stages in the given order; `stageIds` must name each of the pipeline's stages exactly once. */
export async function reorderStages(db: Db, orgId: string, actor: Actor, pipelineId: string, stageIds: string[]) {
  const pipeline = await requirePipeline(db, orgId, pipelineId);
  const current = new Set(pipeline.stages.map((s) => s.id));
  if (stageIds.length !== current.size || new Set(stageIds).size !== stageIds.length || !stageIds.every((id) => current.has(id))) {
    throw invalid({ stageIds: ["List each stage of the pipeline exactly once"] });
  }
  if (stageIds.every((id, i) => pipeline.stages[i]?.id === id)) return pipeline;
  await db.batch([
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "reorder",
      entity: "pipeline",
      entityId: pipelineId,
      changes: { stageIds: { from: pipeline.stages.map((s) => s.id), to: stageIds } },
      requestId: actor.requestId,
    }),
    ...stageIds.map((id, position) =>
      db.update(stages).set({ position }).where(and(eq(stages.orgId, orgId), eq(stages.pipelineId, pipelineId), eq(stages.id, id))),
    ),
  ]);
  return requirePipeline(db, orgId, pipelineId);
}
