import { sql } from "drizzle-orm";
import type { ScoredType, ScoreFactor } from "../../schema";
import type { Env } from "../platform/env";
import type { Db } from "../platform/db";
import { activeModel, memberNames, modelVersionOf, scorerFor } from "./model-store";
import { publishScoreChanges, raiseHotLeads, type ScoreChange } from "./score-events";
import { scoringRecords, type RecordFilter } from "./scoring-data";
import { SCORE_PAGE, SCORE_WRITE_CHUNK } from "./scoring-limits";

/**
 * Scores records with the active model and stores what changed: a
 * `record_scores` row is written only when what the record was scored on
 * (its input hash) or the model changed, and the effective score (override,
 * else the model's) is copied to `leads.score` / `deals.score` for lists.
 * Writes go in a few statements per page (rows as one JSON parameter), so
 * 100,000 records are a few dozen round trips.
 */

interface Existing {
  record_id: string;
  model_version: string;
  input_hash: string;
  model_score: number;
  override_score: number | null;
}

interface ScoreRow {
  recordId: string;
  modelScore: number;
  basePoints: number;
  factors: ScoreFactor[];
  modelVersion: string;
  inputHash: string;
}

/** Raw D1 statements: drizzle's batch does not take `db.run(sql)`; the rows travel as one JSON parameter. */
function writeStatements(db: Db, orgId: string, type: ScoredType, rows: ScoreRow[], now: number): D1PreparedStatement[] {
  const json = JSON.stringify(rows.map((r) => [r.recordId, r.modelScore, r.basePoints, JSON.stringify(r.factors), r.modelVersion, r.inputHash]));
  const ids = JSON.stringify(rows.map((r) => r.recordId));
  const table = type === "lead" ? "leads" : "deals";
  const d1 = db.$client;
  return [
    d1.prepare(`INSERT INTO record_scores (org_id, record_type, record_id, model_score, base_points, factors, model_version, input_hash, scored_at)
      SELECT ?1, ?2, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
        json_extract(value, '$[4]'), json_extract(value, '$[5]'), ?3 FROM json_each(?4) WHERE true
      ON CONFLICT (org_id, record_type, record_id) DO UPDATE SET model_score = excluded.model_score, base_points = excluded.base_points,
        factors = excluded.factors, model_version = excluded.model_version, input_hash = excluded.input_hash, scored_at = excluded.scored_at`).bind(orgId, type, now, json),
    d1.prepare(`UPDATE ${table} SET score = (SELECT coalesce(rs.override_score, rs.model_score) FROM record_scores rs
        WHERE rs.org_id = ?1 AND rs.record_type = ?2 AND rs.record_id = ${table}.id)
      WHERE org_id = ?1 AND id IN (SELECT value FROM json_each(?3))`).bind(orgId, type, ids),
  ];
}

export interface RescoreResult {
  scored: number;
  written: number;
  changes: ScoreChange[];
  events: number;
}

/** Rescores the records `filter` lets through (all by default); null when the type has no model yet. */
export async function rescore(env: Pick<Env, "ORG_ROOM">, db: Db, orgId: string, type: ScoredType, now: number, filter: RecordFilter = {}): Promise<RescoreResult | null> {
  const model = await activeModel(db, orgId, type);
  if (!model) return null;
  const version = modelVersionOf(model);
  const score = scorerFor(type, model, type === "deal" ? await memberNames(db, orgId) : {});
  const result: RescoreResult = { scored: 0, written: 0, changes: [], events: 0 };
  for await (const page of scoringRecords(db, orgId, type, now, SCORE_PAGE, filter)) {
    const existing = await db.all<Existing>(sql`SELECT record_id, model_version, input_hash, model_score, override_score FROM record_scores
      WHERE org_id = ${orgId} AND record_type = ${type} AND record_id IN (SELECT value FROM json_each(${JSON.stringify(page.map((r) => r.id))}))`);
    const before = new Map(existing.map((e) => [e.record_id, e]));
    const rows: ScoreRow[] = [];
    for (const record of page) {
      const scored = score(record);
      const old = before.get(record.id);
      result.scored++;
      if (old && old.model_version === version && old.input_hash === scored.inputHash) continue;
      rows.push({ recordId: record.id, modelScore: scored.score, basePoints: scored.basePoints, factors: scored.factors, modelVersion: version, inputHash: scored.inputHash });
      const previous = old ? (old.override_score ?? old.model_score) : null;
      const effective = old?.override_score ?? scored.score;
      if (effective !== previous) {
        result.changes.push({ type, id: record.id, title: record.title, ownerId: record.ownerId, score: effective, previous, factors: scored.factors, modelVersion: version, overridden: old?.override_score != null });
      }
    }
    for (let i = 0; i < rows.length; i += SCORE_WRITE_CHUNK) {
      await db.$client.batch(writeStatements(db, orgId, type, rows.slice(i, i + SCORE_WRITE_CHUNK), now));
    }
    result.written += rows.length;
  }
  result.events = await publishScoreChanges(env, db, orgId, result.changes);
  await raiseHotLeads(env, db, orgId, result.changes);
  return result;
}
