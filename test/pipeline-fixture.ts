import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { and, asc, eq } from "drizzle-orm";
import { pipelines, stages } from "../schema";
import { newId } from "../worker/platform/ids";

export interface PipelineFixture {
  id: string;
  stages: { id: string; name: string; probability: number }[];
}

/** The organization's default pipeline (created with the organization), read straight from D1. */
export async function defaultPipeline(orgId: string): Promise<PipelineFixture> {
  const db = drizzle(env.DB);
  let pipeline = await db.select().from(pipelines).where(and(eq(pipelines.orgId, orgId), eq(pipelines.isDefault, true))).get();
  if (!pipeline) {
    const now = Date.now();
    pipeline = { id: newId(), orgId, name: "Sales pipeline", isDefault: true, position: 0, createdAt: now, updatedAt: now };
    await db.insert(pipelines).values(pipeline);
    const names: [string, number][] = [["Lead", 10], ["Qualified", 25], ["Proposal", 50], ["Negotiation", 75]];
    await db.insert(stages).values(
      names.map(([name, probability], position) => ({ id: newId(), orgId, pipelineId: pipeline!.id, name, probability, position, createdAt: now })),
    );
  }
  const rows = await db.select().from(stages).where(eq(stages.pipelineId, pipeline.id)).orderBy(asc(stages.position));
  return { id: pipeline.id, stages: rows.map((s) => ({ id: s.id, name: s.name, probability: s.probability })) };
}
