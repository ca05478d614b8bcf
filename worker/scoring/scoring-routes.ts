import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, inArray, sql } from "drizzle-orm";
import { deals, leads, recordScores, scoringRules, type ScoredType, type ScoringModel } from "../../schema";
import { visibleTo } from "../platform/access";
import { auditStatement } from "../platform/audit-writer";
import { requirePermission } from "../platform/auth-middleware";
import { orgDb } from "../platform/db";
import { invalid } from "../platform/errors";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../platform/http";
import { enqueue } from "../platform/job-queue";
import { actorOf } from "../platform/records";
import { activeModel, modelVersionOf, recentModels, rulesOf } from "./model-store";
import { readiness } from "./model-training";
import { RULE_FEATURES } from "./record-features";
import { retrainJob } from "./scoring-jobs";
import { MIN_OUTCOMES, MIN_PER_CLASS, RULES_BASE_POINTS } from "./scoring-limits";
import { checkRules, RulesBody } from "./scoring-rules";
import { BoardScoresSchema, ModelPageSchema, OverrideBody, RulesPageSchema, ScoredTypeParam, ScoreViewSchema } from "./scoring-schemas";
import { scoreView, setOverride } from "./score-overrides";

const tags = ["Scoring"];
const security = [{ bearerAuth: [] }];
const TypeParam = z.object({ type: ScoredTypeParam });
const RecordParam = IdParam.extend({ type: ScoredTypeParam });
const BOARD_SCORES_MAX = 10_000;

const routes = {
  scores: createRoute({
    method: "get", path: "/scores", tags, security,
    summary: "Scores of the deals (or leads) you may see, for the board",
    description: `Only scored records; at most ${BOARD_SCORES_MAX}, highest first. \`pipelineId\` narrows deals to one pipeline.`,
    middleware: [requirePermission("records:read")] as const,
    request: { query: z.object({ type: z.enum(["lead", "deal"]).default("deal"), pipelineId: z.string().min(1).max(64).optional() }) },
    responses: { 200: jsonResponse(envelope(BoardScoresSchema), "Scores by record id"), ...standardErrors },
  }),
  model: createRoute({
    method: "get", path: "/models/{type}", tags, security,
    summary: "The scoring model in use, the outcomes it learned from and the latest candidates",
    description: "`mode` says whether a learned model or the admin's rules score records, and `reason` says why (outcomes against the minimum). Candidates include rejected ones with the note that says why.",
    middleware: [requirePermission("records:read")] as const,
    request: { params: TypeParam },
    responses: { 200: jsonResponse(envelope(ModelPageSchema), "The model page"), ...standardErrors },
  }),
  retrain: createRoute({
    method: "post", path: "/models/{type}/retrain", tags, security,
    summary: "Retrain now (a queue job): promoted only if not worse on the time-split holdout, then everything is rescored",
    middleware: [requirePermission("scoring:manage")] as const,
    request: { params: TypeParam },
    responses: { 202: jsonResponse(envelope(z.object({ queued: z.literal(true), recordType: z.enum(["lead", "deal"]) })), "Queued"), ...standardErrors },
  }),
  rules: createRoute({
    method: "get", path: "/rules/{type}", tags, security,
    summary: "The rules that score records while there are too few outcomes to learn from",
    middleware: [requirePermission("records:read")] as const,
    request: { params: TypeParam },
    responses: { 200: jsonResponse(envelope(RulesPageSchema), "Rules"), ...standardErrors },
  }),
  putRules: createRoute({
    method: "put", path: "/rules/{type}", tags, security,
    summary: "Replace the rules (admins); records are rescored when rules are in use",
    description: "Each rule adds `points` when the record's `feature` matches (`eq`, `neq`, `gte`, `lte`, `present`, `absent`); records start from the base points and stay within 0–100.",
    middleware: [requirePermission("scoring:manage")] as const,
    request: { params: TypeParam, ...jsonBody(RulesBody) },
    responses: { 200: jsonResponse(envelope(RulesPageSchema), "Saved"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/{type}/{id}", tags, security,
    summary: "A lead's or deal's score and the factors behind it",
    description: "basePoints + Σ factors.points = modelScore. 404 when you may not see the record.",
    middleware: [requirePermission("records:read")] as const,
    request: { params: RecordParam },
    responses: { 200: jsonResponse(envelope(ScoreViewSchema), "The score"), ...standardErrors },
  }),
  override: createRoute({
    method: "put", path: "/{type}/{id}/override", tags, security,
    summary: "Override the score with a reason (managers; audited)",
    middleware: [requirePermission("scores:override")] as const,
    request: { params: RecordParam, ...jsonBody(OverrideBody) },
    responses: { 200: jsonResponse(envelope(ScoreViewSchema), "The score, overridden"), ...standardErrors },
  }),
  removeOverride: createRoute({
    method: "delete", path: "/{type}/{id}/override", tags, security,
    summary: "Remove an override: the model's score applies again (audited)",
    middleware: [requirePermission("scores:override")] as const,
    request: { params: RecordParam },
    responses: { 200: jsonResponse(envelope(ScoreViewSchema), "The score"), ...standardErrors },
  }),
};

const modelOut = (m: ScoringModel) => ({
  id: m.id, version: m.version, modelVersion: modelVersionOf(m), kind: m.kind, status: m.status, samples: m.samples, positives: m.positives,
  holdoutSize: m.holdoutSize, auc: m.auc, calibration: m.calibration, trainedAt: m.trainedAt, promotedAt: m.promotedAt, note: m.note,
});

async function rulesPage(db: ReturnType<typeof orgDb>, orgId: string, type: ScoredType) {
  const r = await rulesOf(db, orgId, type);
  return { recordType: type, ...r, basePoints: RULES_BASE_POINTS, features: RULE_FEATURES[type] };
}

export const scoringRoutes = createRouter()
  .openapi(routes.scores, async (c) => {
    const auth = c.get("auth");
    const { type, pipelineId } = c.req.valid("query");
    const db = orgDb(c.env, auth.orgId);
    const table = type === "deal" ? deals : leads;
    const rows = await db
      .select({ id: table.id, score: table.score, overridden: sql<number>`${recordScores.overrideScore} IS NOT NULL` })
      .from(table)
      .leftJoin(recordScores, and(eq(recordScores.orgId, table.orgId), eq(recordScores.recordType, type), eq(recordScores.recordId, table.id)))
      .where(and(eq(table.orgId, auth.orgId), sql`${table.score} IS NOT NULL`, visibleTo(auth, table.ownerId), type === "deal" && pipelineId ? eq(deals.pipelineId, pipelineId) : undefined))
      .orderBy(sql`${table.score} DESC`, table.id)
      .limit(BOARD_SCORES_MAX);
    return ok(c, { items: rows.map((r) => ({ id: r.id, score: r.score!, overridden: !!r.overridden })) });
  })
  .openapi(routes.model, async (c) => {
    const auth = c.get("auth");
    const type = c.req.valid("param").type;
    const db = orgDb(c.env, auth.orgId);
    const table = type === "deal" ? deals : leads;
    const [positive, negative] = type === "deal" ? ["won", "lost"] : ["converted", "unqualified"];
    const [active, candidates, counts] = await Promise.all([
      activeModel(db, auth.orgId, type),
      recentModels(db, auth.orgId, type, 8),
      db.select({ status: table.status, n: sql<number>`count(*)` }).from(table).where(and(eq(table.orgId, auth.orgId), inArray(table.status, [positive!, negative!] as never[]))).groupBy(table.status),
    ]);
    const count = (s: string) => counts.find((r) => r.status === s)?.n ?? 0;
    const outcomes = { samples: count(positive!) + count(negative!), positives: count(positive!), negatives: count(negative!) };
    const ready = readiness(outcomes);
    const mode = active?.kind === "logistic_regression" ? "model" : "rules";
    const reason = mode === "model" ? `Scored by ${modelVersionOf(active!)}, learned from ${active!.samples} outcomes` : ready.enough ? "Enough outcomes: the next training learns a model" : ready.reason;
    return ok(c, { recordType: type, mode, reason, outcomes: { ...outcomes, minimum: MIN_OUTCOMES, minimumPerClass: MIN_PER_CLASS }, active: active ? modelOut(active) : null, candidates: candidates.map(modelOut) });
  })
  .openapi(routes.retrain, async (c) => {
    const auth = c.get("auth");
    const type = c.req.valid("param").type;
    await enqueue(c.env, retrainJob(auth.orgId, type, "button", auth.userId));
    return ok(c, { queued: true as const, recordType: type }, { status: 202, message: "Retraining queued" });
  })
  .openapi(routes.rules, async (c) => {
    const auth = c.get("auth");
    return ok(c, await rulesPage(orgDb(c.env, auth.orgId), auth.orgId, c.req.valid("param").type));
  })
  .openapi(routes.putRules, async (c) => {
    const auth = c.get("auth");
    const type = c.req.valid("param").type;
    const { rules, errors } = checkRules(type, c.req.valid("json").rules);
    if (Object.keys(errors).length) throw invalid(errors, "Some rules are not valid");
    const db = orgDb(c.env, auth.orgId);
    const now = Date.now();
    const values = { orgId: auth.orgId, recordType: type, rules, updatedBy: auth.userId, updatedAt: now };
    await db.batch([
      db.insert(scoringRules).values(values).onConflictDoUpdate({ target: [scoringRules.orgId, scoringRules.recordType], set: { rules, updatedBy: auth.userId, updatedAt: now } }),
      auditStatement(db, auth.orgId, { actorId: auth.userId, action: "update", entity: "scoring_rules", entityId: type, changes: { rules }, requestId: c.get("requestId") }),
    ]);
    const active = await activeModel(db, auth.orgId, type);
    if (!active || active.kind === "rules") await enqueue(c.env, retrainJob(auth.orgId, type, "rules", auth.userId));
    return ok(c, await rulesPage(db, auth.orgId, type), { message: "Rules saved" });
  })
  .openapi(routes.get, async (c) => {
    const auth = c.get("auth");
    const { type, id } = c.req.valid("param");
    return ok(c, await scoreView(c.env, orgDb(c.env, auth.orgId), auth.orgId, actorOf(auth, c.get("requestId")), type, id));
  })
  .openapi(routes.override, async (c) => {
    const auth = c.get("auth");
    const { type, id } = c.req.valid("param");
    return ok(c, await setOverride(c.env, orgDb(c.env, auth.orgId), auth.orgId, actorOf(auth, c.get("requestId")), type, id, c.req.valid("json")), { message: "Score overridden" });
  })
  .openapi(routes.removeOverride, async (c) => {
    const auth = c.get("auth");
    const { type, id } = c.req.valid("param");
    return ok(c, await setOverride(c.env, orgDb(c.env, auth.orgId), auth.orgId, actorOf(auth, c.get("requestId")), type, id, null), { message: "Override removed" });
  });
