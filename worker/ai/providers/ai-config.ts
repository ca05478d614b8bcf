import { eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import { decryptJson } from "../../platform/crypto";
import { setupMissing } from "../../platform/errors";
import { outboundFetch } from "../../platform/outbound-fetch";
import { aiSettings, type AiCapability, type AiProviderName } from "../../../schema";
import type { ChatModel, TranscriptionModel } from "./ai-provider";
import { openAiChat, openAiClient, openAiTranscription } from "./openai-provider";
import { workersAiChat, workersAiTranscription, type WorkersAiBinding } from "./workers-ai-provider";

/**
 * Which provider and model serve an organization: its own OpenAI-compatible
 * account when an owner or admin set one, otherwise the operator's
 * (AI_PROVIDER and friends), otherwise none, and every AI action answers
 * 409 `not_configured` with what to set.
 */

export const DEFAULT_MODELS: Record<AiProviderName, Record<AiCapability, string>> = {
  openai: { chat: "gpt-4.1-mini", transcription: "whisper-1" },
  "workers-ai": { chat: "@cf/meta/llama-3.3-70b-instruct-fp8-fast", transcription: "@cf/openai/whisper-large-v3-turbo" },
};

export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** Streams and uploads take longer than the guard's default deadline, and audio answers run long. */
const MODEL_CALL = { timeoutMs: 120_000, maxBytes: 16 * 1024 * 1024 };

export const SETUP_HINT =
  "AI is not set up. An owner or admin can add an OpenAI-compatible API key (and base URL, for any compatible server) under Settings → AI; " +
  "or the operator sets AI_PROVIDER=openai with OPENAI_API_KEY and OPENAI_BASE_URL, or AI_PROVIDER=workers-ai with the [ai] binding.";

export interface AiRoute {
  provider: AiProviderName;
  model: string;
  /** Whose account: the organization's own key, or the server's. */
  source: "organization" | "server";
}

export interface ResolvedAi {
  chat: ChatModel | null;
  transcription: TranscriptionModel | null;
  routes: Record<AiCapability, AiRoute | null>;
  /** The organization turned recording transcription off. */
  transcriptionEnabled: boolean;
}

export const aiKeyContext = (orgId: string) => `ai_settings:${orgId}`;

type ServerEnv = Pick<Env, "AI" | "AI_PROVIDER" | "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "AI_CHAT_MODEL" | "AI_TRANSCRIBE_MODEL">;

/** The operator's choice: explicit AI_PROVIDER, or OpenAI-compatible when its URL or key is set. */
export function serverProvider(env: ServerEnv): AiProviderName | null {
  const chosen = env.AI_PROVIDER?.trim().toLowerCase();
  if (chosen === "workers-ai") return env.AI ? "workers-ai" : null;
  if (chosen === "openai") return env.OPENAI_API_KEY || env.OPENAI_BASE_URL ? "openai" : null;
  if (chosen) return null;
  return env.OPENAI_API_KEY || env.OPENAI_BASE_URL ? "openai" : null;
}

function serverModels(env: ServerEnv, provider: AiProviderName) {
  return {
    chat: env.AI_CHAT_MODEL?.trim() || DEFAULT_MODELS[provider].chat,
    transcription: env.AI_TRANSCRIBE_MODEL?.trim() || DEFAULT_MODELS[provider].transcription,
  };
}

export async function resolveAi(env: Env, db: Db, orgId: string): Promise<ResolvedAi> {
  const own = await db.select().from(aiSettings).where(eq(aiSettings.orgId, orgId)).get();
  const transcriptionEnabled = own?.transcriptionEnabled ?? true;
  if (own && (own.keyCiphertext || own.baseUrl)) {
    const apiKey = own.keyCiphertext && own.keyIv
      ? (await decryptJson<{ apiKey: string }>(env.ENCRYPTION_KEY, { ciphertext: own.keyCiphertext, iv: own.keyIv }, aiKeyContext(orgId))).apiKey
      : "";
    const client = openAiClient({
      baseURL: own.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      apiKey,
      // The organization chose this URL, so every request (and redirect) passes the outbound-fetch guard.
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        outboundFetch(env, input instanceof Request ? input.url : input, { ...init, ...MODEL_CALL })) as typeof fetch,
    });
    const chatModel = own.chatModel || DEFAULT_MODELS.openai.chat;
    const transcribeModel = own.transcribeModel || DEFAULT_MODELS.openai.transcription;
    return {
      chat: openAiChat(client, chatModel),
      transcription: openAiTranscription(client, transcribeModel),
      routes: {
        chat: { provider: "openai", model: chatModel, source: "organization" },
        transcription: { provider: "openai", model: transcribeModel, source: "organization" },
      },
      transcriptionEnabled,
    };
  }
  const provider = serverProvider(env);
  if (!provider) return { chat: null, transcription: null, routes: { chat: null, transcription: null }, transcriptionEnabled };
  const models = serverModels(env, provider);
  const routes = {
    chat: { provider, model: models.chat, source: "server" as const },
    transcription: { provider, model: models.transcription, source: "server" as const },
  };
  if (provider === "workers-ai") {
    const ai = env.AI as unknown as WorkersAiBinding;
    return { chat: workersAiChat(ai, models.chat), transcription: workersAiTranscription(ai, models.transcription), routes, transcriptionEnabled };
  }
  // The operator's own setting: any URL, loopback included (a local Ollama, the tests' fake), through the runtime's fetch.
  const client = openAiClient({ baseURL: env.OPENAI_BASE_URL || OPENAI_DEFAULT_BASE_URL, apiKey: env.OPENAI_API_KEY ?? "", fetch: (...args) => fetch(...args) });
  return { chat: openAiChat(client, models.chat), transcription: openAiTranscription(client, models.transcription), routes, transcriptionEnabled };
}

/** The chat model, or 409 `not_configured` saying what to set. */
export function requireChat(resolved: ResolvedAi): ChatModel {
  if (!resolved.chat) throw setupMissing(SETUP_HINT);
  return resolved.chat;
}

export function requireTranscription(resolved: ResolvedAi): TranscriptionModel {
  if (!resolved.transcription) throw setupMissing(SETUP_HINT);
  return resolved.transcription;
}
