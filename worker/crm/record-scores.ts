import { z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { ScoredType, ScoreFactor } from "../../schema";
import type { Db } from "../platform/db";

/**
 * The score parts of lead and deal answers: the factors and model version
 * behind `score`, read from `record_scores` (written by worker/scoring) for a
 * page of records in one query.
 */

export const ScoreFactorSchema = z.object({ feature: z.string(), label: z.string(), points: z.number().int() }).openapi("RecordScoreFactor");

/** `minScore` / `maxScore`: records without a score match neither. */
export const ScoreBound = z.coerce.number().int().min(0).max(100).optional();

export type ScoreColumns = {
  scoreFactors: ScoreFactor[] | null;
  scoreModel: string | null;
  /** A manager's override is what `score` shows (lists mark it). */
  scoreOverridden: boolean;
};

export async function scoreColumns(db: Db, orgId: string, type: ScoredType, ids: string[]): Promise<Map<string, ScoreColumns>> {
  const rows = await db.all<{ record_id: string; factors: string; model_version: string; overridden: number }>(sql`SELECT record_id, factors, model_version, override_score IS NOT NULL AS overridden FROM record_scores
    WHERE org_id = ${orgId} AND record_type = ${type} AND record_id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`);
  const found = new Map(rows.map((r) => [r.record_id, { scoreFactors: JSON.parse(r.factors) as ScoreFactor[], scoreModel: r.model_version, scoreOverridden: !!r.overridden }]));
  return new Map(ids.map((id) => [id, found.get(id) ?? { scoreFactors: null, scoreModel: null, scoreOverridden: false }]));
}
