import type { Sentiment, SentimentRollup, SentimentTrend } from "../../schema";
import { clampScore, labelOf } from "./sentiment-model";

/**
 * A conversation's sentiment, updated one message at a time: a weighted mean
 * in which each older message weighs DECAY times the next newer one, so the
 * latest messages set the tone. The running weight follows from the count
 * (1 + d + d² + … ), so folding messages in one by one gives exactly the
 * mean over the whole history and nothing but the rollup need be stored.
 * `trend` compares the newest message against the mean of the earlier ones.
 */
export const ROLLUP_DECAY = 0.5;
/** How far the newest message must sit from the earlier mean to count as a change of tone. */
export const TREND_MARGIN = 0.15;

const weightOf = (messages: number) => (1 - ROLLUP_DECAY ** messages) / (1 - ROLLUP_DECAY);

export function trendOf(latest: number, earlier: number | null): SentimentTrend {
  if (earlier === null) return "steady";
  if (latest - earlier >= TREND_MARGIN) return "improving";
  if (earlier - latest >= TREND_MARGIN) return "worsening";
  return "steady";
}

export function foldSentiment(previous: SentimentRollup | null, next: Sentiment, at: number): SentimentRollup {
  const messages = (previous?.messages ?? 0) + 1;
  const carried = previous ? ROLLUP_DECAY * weightOf(previous.messages) * previous.score : 0;
  const score = clampScore((next.score + carried) / weightOf(messages));
  return {
    label: labelOf(score),
    score,
    model: next.model,
    trend: trendOf(next.score, previous?.score ?? null),
    messages,
    at: Math.max(at, previous?.at ?? 0),
  };
}

/** The rollup of a whole conversation, oldest message first. */
export const rollUpSentiments = (judged: { sentiment: Sentiment; at: number }[]) =>
  judged.reduce<SentimentRollup | null>((rollup, m) => foldSentiment(rollup, m.sentiment, m.at), null);
