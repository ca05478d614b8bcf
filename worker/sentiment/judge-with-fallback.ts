import type { Sentiment } from "../../schema";
import type { SentimentModel } from "./sentiment-model";
import { messageCore } from "./message-core";
import { vaderModel } from "./vader-model";

/**
 * Judges with the chosen model; when there is none, or it fails, the
 * embedded model judges instead. Each Sentiment names the model that
 * actually judged it, so a fallback is visible in the data.
 */
export async function judgeWithFallback(chosen: SentimentModel | null, texts: string[]): Promise<Sentiment[]> {
  if (chosen && chosen !== vaderModel) {
    try {
      return await chosen.judge(texts.map(messageCore));
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", msg: "sentiment model failed; the embedded model judges", model: chosen.name, err: String(err) }));
    }
  }
  return vaderModel.judge(texts);
}
