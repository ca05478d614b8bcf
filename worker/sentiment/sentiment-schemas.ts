import { z } from "@hono/zod-openapi";
import { SENTIMENT_LABELS, SENTIMENT_TRENDS } from "../../schema";

/** The API's view of schema/sentiment.ts, shared by every feature that answers sentiment. */
export const SentimentSchema = z
  .object({
    label: z.enum(SENTIMENT_LABELS),
    score: z.number().openapi({ description: "-1 (most negative) … 1 (most positive)" }),
    model: z.string().openapi({ description: "The model that judged: vader (embedded), @cf/huggingface/distilbert-sst-2-int8 or llm:<chat model>" }),
  })
  .openapi("Sentiment");

export const SentimentRollupSchema = SentimentSchema.extend({
  trend: z.enum(SENTIMENT_TRENDS).openapi({ description: "The newest message against the earlier ones" }),
  messages: z.number().int().openapi({ description: "Customer messages counted" }),
  at: z.number().int().openapi({ description: "Epoch ms of the newest message counted" }),
}).openapi("SentimentRollup");
