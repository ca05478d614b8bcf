import { and, asc, eq } from "drizzle-orm";
import { deals, pipelines, stages } from "../../../schema";
import type { AuthContext } from "../../platform/env";
import { visibleTo } from "../../platform/access";
import type { Db } from "../../platform/db";
import { notFound } from "../../platform/errors";
import { toRecord } from "./deals";

/** A pipeline's board from the projection: stages in order, open cards in position order, and totals. */
export async function getBoard(db: Db, auth: AuthContext, pipelineId: string) {
  const pipeline = await db
    .select()
    .from(pipelines)
    .where(and(eq(pipelines.orgId, auth.orgId), eq(pipelines.id, pipelineId)))
    .get();
  if (!pipeline) throw notFound("Pipeline");
  const [stageRows, dealRows] = await Promise.all([
    db.select().from(stages).where(and(eq(stages.orgId, auth.orgId), eq(stages.pipelineId, pipelineId))).orderBy(asc(stages.position)),
    db
      .select()
      .from(deals)
      .where(and(eq(deals.orgId, auth.orgId), eq(deals.pipelineId, pipelineId), eq(deals.status, "open"), visibleTo(auth, deals.ownerId)))
      .orderBy(asc(deals.position), asc(deals.id)),
  ]);
  const columns = stageRows.map((stage) => {
    const cards = dealRows.filter((d) => d.stageId === stage.id).map(toRecord);
    const amount = cards.reduce((sum, d) => sum + d.amount, 0);
    return {
      id: stage.id,
      name: stage.name,
      probability: stage.probability,
      deals: cards,
      totals: { count: cards.length, amount, weightedAmount: Math.round(amount * stage.probability) / 100 },
    };
  });
  return { pipeline: { id: pipeline.id, name: pipeline.name, isDefault: pipeline.isDefault }, stages: columns };
}
