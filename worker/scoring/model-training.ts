import { and, eq, ne } from "drizzle-orm";
import { scoringModels, type ScoredType, type ScoringModel } from "../../schema";
import type { Env } from "../platform/env";
import type { Db } from "../platform/db";
import { newId } from "../platform/ids";
import { featureGroups } from "./feature-buckets";
import { calibrationTable, rocAuc, timeSplit } from "./model-evaluation";
import { activeModel, memberNames, modelVersionOf, rulesOf, scorerFor } from "./model-store";
import { rescore, type RescoreResult } from "./score-writer";
import { scoringRecords, type ScoringRecord } from "./scoring-data";
import { CALIBRATION_BUCKETS, HOLDOUT_SHARE, MIN_OUTCOMES, MIN_PER_CLASS, SCORE_PAGE } from "./scoring-limits";
import { compileModel, trainScoringModel } from "./scoring-model";

/**
 * Retraining: learn a candidate from the organization's closed records,
 * judge it on the newest outcomes it did not see, and promote it only if it
 * separates them at least as well as the model in use does on the same
 * outcomes. Below the minimum of outcomes, the admin's rules score.
 */

type Outcome = ScoringRecord & { outcome: 0 | 1; outcomeAt: number };

export interface OutcomeCounts {
  samples: number;
  positives: number;
  negatives: number;
}

/** Whether there is enough history to learn from, and if not, why in words. */
export function readiness(counts: OutcomeCounts): { enough: boolean; reason: string } {
  const missing: string[] = [];
  if (counts.samples < MIN_OUTCOMES) missing.push(`${counts.samples} of ${MIN_OUTCOMES} outcomes needed`);
  if (counts.positives < MIN_PER_CLASS) missing.push(`${counts.positives} of ${MIN_PER_CLASS} positive outcomes needed`);
  if (counts.negatives < MIN_PER_CLASS) missing.push(`${counts.negatives} of ${MIN_PER_CLASS} negative outcomes needed`);
  return missing.length ? { enough: false, reason: `Scored by rules: ${missing.join("; ")}` } : { enough: true, reason: "Enough outcomes to learn from" };
}

export interface TrainingOutcome {
  model: ScoringModel;
  promoted: boolean;
  rescored: RescoreResult | null;
}

async function closedRecords(db: Db, orgId: string, type: ScoredType, now: number): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for await (const page of scoringRecords(db, orgId, type, now, SCORE_PAGE)) {
    for (const r of page) if (r.outcome !== null && r.outcomeAt !== null) out.push(r as Outcome);
  }
  return out;
}

/** The model in use's ranking of held-out records: its probability, or the rules' score. */
function holdoutScores(type: ScoredType, model: ScoringModel, holdout: Outcome[], names: Record<string, string>): number[] {
  if (model.kind === "rules") {
    const score = scorerFor(type, model, names);
    return holdout.map((r) => score(r).score);
  }
  const compiled = compileModel(model.params as never);
  return holdout.map((r) => compiled.probability(featureGroups(type, r.features)));
}

const fmt = (auc: number | null) => (auc === null ? "n/a" : auc.toFixed(3));

async function store(db: Db, active: ScoringModel | null, row: Omit<ScoringModel, "id" | "version">): Promise<ScoringModel> {
  const latest = await db
    .select({ version: scoringModels.version })
    .from(scoringModels)
    .where(and(eq(scoringModels.orgId, row.orgId), eq(scoringModels.recordType, row.recordType)))
    .all();
  const model: ScoringModel = { ...row, id: newId(), version: Math.max(0, ...latest.map((l) => l.version)) + 1 };
  const retire = row.status === "active" && active
    ? [db.update(scoringModels).set({ status: "retired" }).where(and(eq(scoringModels.orgId, row.orgId), eq(scoringModels.recordType, row.recordType), eq(scoringModels.status, "active"), ne(scoringModels.id, model.id)))]
    : [];
  await db.batch([...retire, db.insert(scoringModels).values(model)] as unknown as Parameters<Db["batch"]>[0]);
  return model;
}

export async function retrain(env: Pick<Env, "ORG_ROOM">, db: Db, orgId: string, type: ScoredType, now: number): Promise<TrainingOutcome> {
  const [outcomes, active, rules, names] = await Promise.all([closedRecords(db, orgId, type, now), activeModel(db, orgId, type), rulesOf(db, orgId, type), memberNames(db, orgId)]);
  const positives = outcomes.filter((o) => o.outcome === 1).length;
  const counts = { samples: outcomes.length, positives, negatives: outcomes.length - positives };
  const ready = readiness(counts);
  const base = { orgId, recordType: type, samples: counts.samples, positives, trainedAt: now, promotedAt: now };

  if (!ready.enough) {
    if (active?.kind === "rules" && JSON.stringify(active.params) === JSON.stringify(rules.rules)) {
      return { model: active, promoted: false, rescored: await rescore(env, db, orgId, type, now) };
    }
    const model = await store(db, active, { ...base, kind: "rules", status: "active", holdoutSize: 0, auc: null, calibration: [], params: rules.rules, note: ready.reason });
    return { model, promoted: true, rescored: await rescore(env, db, orgId, type, now) };
  }

  const { train, holdout } = timeSplit(outcomes, HOLDOUT_SHARE);
  const params = trainScoringModel(train.map((r) => ({ groups: featureGroups(type, r.features), label: r.outcome })));
  const compiled = compileModel(params);
  const labels = holdout.map((r) => r.outcome);
  const predicted = holdout.map((r) => compiled.probability(featureGroups(type, r.features)));
  const auc = rocAuc(predicted, labels);
  const activeAuc = active ? rocAuc(holdoutScores(type, active, holdout, names), labels) : null;
  const worse = auc !== null && activeAuc !== null && auc < activeAuc;
  const learned = { ...base, kind: "logistic_regression" as const, holdoutSize: holdout.length, auc, calibration: calibrationTable(predicted, labels, CALIBRATION_BUCKETS), params };
  const onHoldout = `on the newest ${holdout.length} outcomes`;
  if (worse) {
    const note = `Not promoted: AUC ${fmt(auc)} ${onHoldout} is below ${fmt(activeAuc)} of ${modelVersionOf(active!)} on the same outcomes`;
    return { model: await store(db, active, { ...learned, status: "rejected", promotedAt: null, note }), promoted: false, rescored: null };
  }
  const note = active
    ? `Replaced ${modelVersionOf(active)} (AUC ${fmt(activeAuc)} ${onHoldout}; this one ${fmt(auc)})`
    : `First learned model: AUC ${fmt(auc)} ${onHoldout}`;
  const model = await store(db, active, { ...learned, status: "active", note });
  return { model, promoted: true, rescored: await rescore(env, db, orgId, type, now) };
}
