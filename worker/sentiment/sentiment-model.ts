import type { Sentiment, SentimentLabel } from "../../schema";

/** Anything that judges messages: one Sentiment per text, in order, with the model that judged it. */
export interface SentimentModel {
  name: string;
  judge(texts: string[]): Promise<Sentiment[]>;
}

/**
 * The one place the label cut-offs live. ±0.05 on VADER's compound score is
 * the cut-off its authors publish (Hutto & Gilbert 2014); the other models'
 * scores are mapped onto the same -1…1 scale, so one pair serves all.
 */
export const SENTIMENT_THRESHOLDS = { negativeAtMost: -0.05, positiveAtLeast: 0.05 } as const;

/**
 * distilbert-sst-2 knows only negative and positive and is confident about
 * almost everything; a question or a plain request must still read as
 * neutral, so an answer less sure than this (its top class's probability)
 * is neutral.
 */
export const BINARY_NEUTRAL_BELOW = 0.8;

/** Longer messages are cut before judging: the start of a message carries its tone, and a pasted log would cost time. */
export const MAX_JUDGED_CHARS = 2_000;

export function labelOf(score: number): SentimentLabel {
  if (score <= SENTIMENT_THRESHOLDS.negativeAtMost) return "negative";
  if (score >= SENTIMENT_THRESHOLDS.positiveAtLeast) return "positive";
  return "neutral";
}

export const clampScore = (score: number) => Math.round(Math.max(-1, Math.min(1, score)) * 1000) / 1000;
