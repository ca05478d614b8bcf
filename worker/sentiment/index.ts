/**
 * Sentiment: judges customer messages (ticket comments, inbound mail,
 * help-center submissions, call transcript segments) and rolls a
 * conversation up. Depends on platform and schema only: the remote models
 * take their binding or chat call from whoever uses them (the AI layer).
 */
export { SENTIMENT_THRESHOLDS, labelOf, type SentimentModel } from "./sentiment-model";
export { judgeNow, vaderModel, VADER_MODEL_NAME } from "./vader-model";
export { workersAiSentimentModel, sentimentOfClassScores, WORKERS_AI_SENTIMENT_MODEL, type TextClassifierBinding } from "./workers-ai-sentiment-model";
export { llmSentimentModel, llmModelName, parseLlmSentiments, type ChatCompletion } from "./llm-sentiment-model";
export { judgeWithFallback } from "./judge-with-fallback";
export { messageCore } from "./message-core";
export { foldSentiment, rollUpSentiments, trendOf } from "./sentiment-rollup";
export { SentimentSchema, SentimentRollupSchema } from "./sentiment-schemas";
