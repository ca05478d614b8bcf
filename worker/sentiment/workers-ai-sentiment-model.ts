import type { Sentiment } from "../../schema";
import { BINARY_NEUTRAL_BELOW, clampScore, MAX_JUDGED_CHARS, type SentimentModel } from "./sentiment-model";

export const WORKERS_AI_SENTIMENT_MODEL = "@cf/huggingface/distilbert-sst-2-int8";

/** The part of the `AI` binding this model calls. */
export interface TextClassifierBinding {
  run(model: typeof WORKERS_AI_SENTIMENT_MODEL, input: { text: string }): Promise<unknown>;
}

interface ClassScore {
  label: string;
  score: number;
}

const isClassScores = (value: unknown): value is ClassScore[] =>
  Array.isArray(value) && value.every((v) => v && typeof v === "object" && typeof v.label === "string" && typeof v.score === "number");

/**
 * The documented answer, `[{label:"NEGATIVE",score},{label:"POSITIVE",score}]`,
 * as a Sentiment: the score is P(positive) − P(negative); the model has no
 * neutral class, so an answer whose top class is less sure than
 * BINARY_NEUTRAL_BELOW is neutral.
 */
export function sentimentOfClassScores(answer: unknown): Sentiment {
  if (!isClassScores(answer)) throw new Error("Workers AI answered no class scores");
  const p = (label: string) => answer.find((c) => c.label.toUpperCase() === label)?.score ?? 0;
  const positive = p("POSITIVE");
  const negative = p("NEGATIVE");
  if (positive + negative === 0) throw new Error("Workers AI answered neither POSITIVE nor NEGATIVE");
  const score = clampScore(positive - negative);
  const label = Math.max(positive, negative) < BINARY_NEUTRAL_BELOW ? "neutral" : positive > negative ? "positive" : "negative";
  return { label, score, model: WORKERS_AI_SENTIMENT_MODEL };
}

export function workersAiSentimentModel(ai: TextClassifierBinding): SentimentModel {
  return {
    name: WORKERS_AI_SENTIMENT_MODEL,
    judge: (texts) => Promise.all(texts.map(async (text) => sentimentOfClassScores(await ai.run(WORKERS_AI_SENTIMENT_MODEL, { text: text.slice(0, MAX_JUDGED_CHARS) })))),
  };
}
