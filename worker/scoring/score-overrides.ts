import { and, eq, sql } from "drizzle-orm";
import { deals, leads, recordScores, type ScoredType } from "../../schema";
import type { Env } from "../platform/env";
import type { Db } from "../platform/db";
import { auditStatement } from "../platform/audit-writer";
import { requireVisible, type Actor } from "../platform/records";
import { activeModel } from "./model-store";
import { retrain } from "./model-training";
import { publishScoreChanges } from "./score-events";
import { rescore } from "./score-writer";

/**
 * One record's score as the API answers it, and a manager's override of it
 * (audited, with a reason). The override wins over the model until removed;
 * the model keeps scoring underneath, so removing it shows the model's
 * current answer.
 */

const TABLES = { lead: leads, deal: deals } as const;
const NAMES = { lead: "Lead", deal: "Deal" } as const;

export interface ScoreView {
  recordType: ScoredType;
  recordId: string;
  score: number | null;
  modelScore: number | null;
  basePoints: number | null;
  factors: { feature: string; label: string; points: number }[];
  modelVersion: string | null;
  overridden: boolean;
  override: { score: number; reason: string; by: string | null; at: number } | null;
  scoredAt: number | null;
}

async function storedScore(db: Db, orgId: string, type: ScoredType, id: string) {
  const row = await db
    .select()
    .from(recordScores)
    .where(and(eq(recordScores.orgId, orgId), eq(recordScores.recordType, type), eq(recordScores.recordId, id)))
    .get();
  return row ?? null;
}

/** The stored score, scoring the record first when it has none yet (a new record, or an organization without a model). */
async function ensureScored(env: Pick<Env, "ORG_ROOM">, db: Db, orgId: string, type: ScoredType, id: string) {
  const stored = await storedScore(db, orgId, type, id);
  if (stored) return stored;
  const now = Date.now();
  if (await activeModel(db, orgId, type)) await rescore(env, db, orgId, type, now, { ids: [id] });
  else await retrain(env, db, orgId, type, now);
  return storedScore(db, orgId, type, id);
}

function viewOf(type: ScoredType, id: string, row: Awaited<ReturnType<typeof storedScore>>): ScoreView {
  if (!row) return { recordType: type, recordId: id, score: null, modelScore: null, basePoints: null, factors: [], modelVersion: null, overridden: false, override: null, scoredAt: null };
  const override = row.overrideScore === null ? null : { score: row.overrideScore, reason: row.overrideReason ?? "", by: row.overrideBy, at: row.overrideAt ?? row.scoredAt };
  return {
    recordType: type,
    recordId: id,
    score: row.overrideScore ?? row.modelScore,
    modelScore: row.modelScore,
    basePoints: row.basePoints,
    factors: row.factors,
    modelVersion: row.modelVersion,
    overridden: override !== null,
    override,
    scoredAt: row.scoredAt,
  };
}

async function visibleRecord(db: Db, orgId: string, actor: Actor, type: ScoredType, id: string) {
  const row = await requireVisible<{ ownerId: string | null; firstName?: string; lastName?: string; title?: string }>(db, TABLES[type], orgId, actor, id, NAMES[type]);
  return { ownerId: row.ownerId, title: type === "lead" ? `${row.firstName ?? ""} ${row.lastName ?? ""}`.trim() : (row.title ?? "") };
}

export async function scoreView(env: Pick<Env, "ORG_ROOM">, db: Db, orgId: string, actor: Actor, type: ScoredType, id: string): Promise<ScoreView> {
  await visibleRecord(db, orgId, actor, type, id);
  return viewOf(type, id, await ensureScored(env, db, orgId, type, id));
}

const effectiveScoreStatement = (db: Db, orgId: string, type: ScoredType, id: string) => {
  const table = TABLES[type];
  return db
    .update(table)
    .set({ score: sql`(SELECT coalesce(override_score, model_score) FROM record_scores WHERE org_id = ${orgId} AND record_type = ${type} AND record_id = ${id})` })
    .where(and(eq(table.orgId, orgId), eq(table.id, id)));
};

/** Sets (score) or removes (null) the override; answers the score view after it. */
export async function setOverride(
  env: Pick<Env, "ORG_ROOM">,
  db: Db,
  orgId: string,
  actor: Actor,
  type: ScoredType,
  id: string,
  override: { score: number; reason: string } | null,
): Promise<ScoreView> {
  const record = await visibleRecord(db, orgId, actor, type, id);
  const before = await ensureScored(env, db, orgId, type, id);
  if (!before) return viewOf(type, id, null);
  if (override === null && before.overrideScore === null) return viewOf(type, id, before);
  const now = Date.now();
  const where = and(eq(recordScores.orgId, orgId), eq(recordScores.recordType, type), eq(recordScores.recordId, id));
  const values = override
    ? { overrideScore: override.score, overrideReason: override.reason, overrideBy: actor.userId, overrideAt: now }
    : { overrideScore: null, overrideReason: null, overrideBy: null, overrideAt: null };
  const changes = override
    ? { score: { from: before.overrideScore ?? before.modelScore, to: override.score }, reason: override.reason }
    : { score: { from: before.overrideScore, to: before.modelScore }, reason: before.overrideReason };
  await db.batch([
    db.update(recordScores).set(values).where(where),
    effectiveScoreStatement(db, orgId, type, id),
    auditStatement(db, orgId, { actorId: actor.userId, action: override ? "score_override" : "score_override_removed", entity: type, entityId: id, changes, requestId: actor.requestId }),
  ]);
  const after = await storedScore(db, orgId, type, id);
  const view = viewOf(type, id, after);
  const previous = before.overrideScore ?? before.modelScore;
  if (view.score !== null && view.score !== previous) {
    await publishScoreChanges(env, db, orgId, [
      { type, id, title: record.title, ownerId: record.ownerId, score: view.score, previous, factors: view.factors, modelVersion: after!.modelVersion, overridden: view.overridden },
    ]);
  }
  return view;
}

