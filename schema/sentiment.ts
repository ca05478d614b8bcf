/**
 * Sentiment of inbound customer messages (ticket comments from customers,
 * inbound mail, help-center submissions, call transcript segments). The
 * model that judged is always recorded: "vader" (embedded, the default),
 * "@cf/huggingface/distilbert-sst-2-int8" (Workers AI) or "llm:<model>".
 */
export const SENTIMENT_LABELS = ["negative", "neutral", "positive"] as const;
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

export interface Sentiment {
  label: SentimentLabel;
  /** -1 (most negative) … 1 (most positive). */
  score: number;
  model: string;
}

export const SENTIMENT_TRENDS = ["improving", "steady", "worsening"] as const;
export type SentimentTrend = (typeof SENTIMENT_TRENDS)[number];

/** A conversation's rolled-up sentiment: recent messages weigh more; `trend` compares the latest against the earlier ones. */
export interface SentimentRollup extends Sentiment {
  trend: SentimentTrend;
  /** Customer messages it was computed from. */
  messages: number;
  /** Epoch ms of the newest message counted. */
  at: number;
}

/** The admin's rule that escalates a conversation turning negative (support settings). */
export interface SentimentEscalationRule {
  enabled: boolean;
  /** Escalate when the rolled-up score falls to or below this (-1…0). */
  threshold: number;
  raisePriority: boolean;
  notifyTeamLead: boolean;
}

/**
 * The organization's choice of judge (support settings). "workers-ai" and
 * "llm" run after the message is written; when the chosen one is not
 * available or fails, the embedded model judges and is recorded.
 */
export const SENTIMENT_MODEL_CHOICES = ["embedded", "workers-ai", "llm"] as const;
export type SentimentModelChoice = (typeof SENTIMENT_MODEL_CHOICES)[number];
