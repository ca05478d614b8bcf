/**
 * Stage probabilities learned from the organization's own history: of the
 * closed deals that were ever open in a stage, the share that ended won. The
 * configured probability stands until enough closed deals have passed through
 * the stage, since a rate over a handful of deals says more about luck than
 * about the stage.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../platform/db";

/** Closed deals through a stage before its learned rate replaces the configured one. */
export const MIN_LEARNING_SAMPLE = 20;

export interface StageProbability {
  stageId: string;
  name: string;
  /** Percent, as set in the pipeline. */
  configured: number;
  /** Percent won among closed deals that were in the stage; null when none have closed. */
  learned: number | null;
  /** Closed deals that were in the stage, and how many of them were won. */
  sample: number;
  won: number;
  /** The probability forecasts use: learned once `sample` reaches MIN_LEARNING_SAMPLE. */
  effective: number;
  source: "learned" | "configured";
}

interface StageCount {
  stageId: string;
  closed: number;
  won: number;
}

/**
 * Counts over the whole organization on purpose: a rate is a statistic of the
 * stage, and agents who see only their own deals are forecast with the same
 * rates as everyone else. Only rows where the deal was open count as "being
 * in" a stage, so a deal moved after it closed does not credit that stage.
 */
async function stageOutcomeCounts(db: Db, orgId: string, pipelineId: string): Promise<StageCount[]> {
  return db.all<StageCount>(sql`
    SELECT h.to_stage_id AS stageId,
      COUNT(DISTINCT d.id) AS closed,
      COUNT(DISTINCT CASE WHEN d.status = 'won' THEN d.id END) AS won
    FROM deal_stage_history h
    JOIN deals d ON d.org_id = h.org_id AND d.id = h.deal_id
    WHERE h.org_id = ${orgId} AND h.pipeline_id = ${pipelineId} AND h.to_status = 'open'
      AND d.pipeline_id = ${pipelineId} AND d.status IN ('won', 'lost')
    GROUP BY h.to_stage_id`);
}

export function learnProbabilities(
  stageList: readonly { id: string; name: string; probability: number }[],
  counts: readonly StageCount[],
): StageProbability[] {
  const byStage = new Map(counts.map((c) => [c.stageId, c]));
  return stageList.map((s) => {
    const c = byStage.get(s.id);
    const sample = c?.closed ?? 0;
    const won = c?.won ?? 0;
    const learned = sample > 0 ? Math.round((won / sample) * 100) : null;
    const useLearned = learned !== null && sample >= MIN_LEARNING_SAMPLE;
    return {
      stageId: s.id,
      name: s.name,
      configured: s.probability,
      learned,
      sample,
      won,
      effective: useLearned ? learned : s.probability,
      source: useLearned ? "learned" : "configured",
    };
  });
}

export async function stageProbabilities(
  db: Db,
  orgId: string,
  pipeline: { id: string; stages: readonly { id: string; name: string; probability: number }[] },
): Promise<StageProbability[]> {
  return learnProbabilities(pipeline.stages, await stageOutcomeCounts(db, orgId, pipeline.id));
}
