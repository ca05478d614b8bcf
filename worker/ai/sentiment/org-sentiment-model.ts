import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { getSupportSettings } from "../../support";
import { llmSentimentModel, vaderModel, workersAiSentimentModel, type SentimentModel, type TextClassifierBinding } from "../../sentiment";
import { resolveAi } from "../providers/ai-config";
import { completeChat } from "../providers/ai-provider";
import { assertWithinBudget, recordAiUsage } from "../usage/ai-usage";

/** Room for one short JSON entry per message. */
const TOKENS_PER_MESSAGE = 25;

/**
 * The sentiment model the organization chose in its support settings, as it
 * can be served now: Workers AI's classifier only with the `AI` binding and
 * Workers AI as the organization's provider; the chat model only when one
 * is configured, within the month's budget, metered as "sentiment". Null
 * when the choice cannot be served: the caller's fallback (the embedded
 * model) judges and is recorded.
 */
export async function orgSentimentModel(env: Env, db: Db, orgId: string): Promise<SentimentModel | null> {
  const { sentimentModel: choice } = await getSupportSettings(db, orgId);
  if (choice === "embedded") return vaderModel;
  const resolved = await resolveAi(env, db, orgId);
  if (choice === "workers-ai") {
    return env.AI && resolved.routes.chat?.provider === "workers-ai" ? workersAiSentimentModel(env.AI as unknown as TextClassifierBinding) : null;
  }
  const chat = resolved.chat;
  if (!chat) return null;
  return llmSentimentModel(async (system, user) => {
    await assertWithinBudget(env, db, orgId, "chat");
    const messages = user.split(/^Message \d+:$/m).length - 1;
    const answer = await completeChat(chat, {
      messages: [
        { role: "system", content: system },
        { role: "user", content: user },
      ],
      maxTokens: 40 + TOKENS_PER_MESSAGE * Math.max(1, messages),
      temperature: 0,
    });
    await recordAiUsage(db, { orgId, userId: null, feature: "sentiment", provider: chat.provider, model: chat.model, ...answer.usage });
    return answer.text;
  }, chat.model);
}

/** The organization's model, or null when even finding out failed (the embedded model then judges). */
export async function orgSentimentModelOrNull(env: Env, db: Db, orgId: string): Promise<SentimentModel | null> {
  try {
    return await orgSentimentModel(env, db, orgId);
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "sentiment model unavailable; the embedded model judges", orgId, err: String(err) }));
    return null;
  }
}
