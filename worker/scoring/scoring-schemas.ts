import { z } from "@hono/zod-openapi";
import { SCORED_TYPES } from "../../schema";

/** The shapes the scoring routes answer, for the OpenAPI document and the typed client. */

export const ScoredTypeParam = z.enum(SCORED_TYPES).openapi({ param: { name: "type", in: "path" }, example: "lead" });

export const ScoreFactorSchema = z
  .object({
    feature: z.string().openapi({ example: "source=referral" }),
    label: z.string().openapi({ example: "Referral source" }),
    points: z.number().int().openapi({ example: 12 }),
  })
  .openapi("ScoreFactor");

export const ScoreViewSchema = z
  .object({
    recordType: z.enum(SCORED_TYPES),
    recordId: z.string(),
    score: z.number().int().nullable().openapi({ description: "The effective score 0–100: the override if any, else the model's" }),
    modelScore: z.number().int().nullable(),
    basePoints: z.number().int().nullable().openapi({ description: "Points of the average record; basePoints + Σ factors.points = modelScore" }),
    factors: z.array(ScoreFactorSchema),
    modelVersion: z.string().nullable().openapi({ example: "lr-3" }),
    overridden: z.boolean(),
    override: z.object({ score: z.number().int(), reason: z.string(), by: z.string().nullable(), at: z.number().int() }).nullable(),
    scoredAt: z.number().int().nullable(),
  })
  .openapi("ScoreView");

export const BoardScoresSchema = z
  .object({ items: z.array(z.object({ id: z.string(), score: z.number().int(), overridden: z.boolean() })) })
  .openapi("RecordScores");

export const OverrideBody = z
  .object({
    score: z.number().int().min(0).max(100),
    reason: z.string().trim().min(1, "Say why you override the score").max(500),
  })
  .strict()
  .openapi("ScoreOverrideInput");

const CalibrationSchema = z.object({ from: z.number(), to: z.number(), count: z.number().int(), meanPredicted: z.number(), observedRate: z.number() });

export const ModelSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    modelVersion: z.string().openapi({ example: "lr-3" }),
    kind: z.enum(["logistic_regression", "rules"]),
    status: z.enum(["active", "rejected", "retired"]),
    samples: z.number().int(),
    positives: z.number().int(),
    holdoutSize: z.number().int(),
    auc: z.number().nullable(),
    calibration: z.array(CalibrationSchema),
    trainedAt: z.number().int(),
    promotedAt: z.number().int().nullable(),
    note: z.string().nullable(),
  })
  .openapi("ScoringModel");

export const ModelPageSchema = z
  .object({
    recordType: z.enum(SCORED_TYPES),
    mode: z.enum(["model", "rules"]).openapi({ description: "What scores records now" }),
    reason: z.string().openapi({ example: "Scored by rules: 23 of 40 outcomes needed" }),
    outcomes: z.object({ samples: z.number().int(), positives: z.number().int(), negatives: z.number().int(), minimum: z.number().int(), minimumPerClass: z.number().int() }),
    active: ModelSchema.nullable(),
    candidates: z.array(ModelSchema).openapi({ description: "The latest trained versions, newest first, rejected ones included" }),
  })
  .openapi("ScoringModelPage");

export const RuleSchema = z
  .object({
    id: z.string(),
    feature: z.string(),
    op: z.enum(["eq", "neq", "gte", "lte", "present", "absent"]),
    value: z.union([z.string(), z.number()]).nullable().optional(),
    points: z.number().int(),
    label: z.string(),
  })
  .openapi("ScoringRule");

export const RulesPageSchema = z
  .object({
    recordType: z.enum(SCORED_TYPES),
    rules: z.array(RuleSchema),
    custom: z.boolean().openapi({ description: "false: the built-in rules" }),
    updatedAt: z.number().int().nullable(),
    updatedBy: z.string().nullable(),
    basePoints: z.number().int(),
    features: z.record(z.string(), z.enum(["text", "number", "tags"])).openapi({ description: "The features a rule may test, and their kind" }),
  })
  .openapi("ScoringRules");
