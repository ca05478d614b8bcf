import OpenAI, { toFile } from "openai";
import type { ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { AppError } from "../../platform/errors";
import type { AudioInput, ChatEvent, ChatModel, ChatRequest, ChatTurn, Transcription, TranscriptionModel } from "./ai-provider";
import { estimateTokens } from "./token-estimate";

/**
 * Any OpenAI-compatible server through the official SDK: OpenAI itself,
 * Cloudflare's OpenAI-compatible endpoint or AI Gateway, Ollama, llama.cpp.
 * `fetch` is the caller's: an organization's own base URL goes through the
 * outbound-fetch guard, the operator's through the runtime's.
 */
export interface OpenAiAccount {
  baseURL: string;
  apiKey: string;
  fetch: typeof fetch;
}

/** Local servers (Ollama, llama.cpp) ignore the key, but the SDK and the wire format want one. */
const NO_KEY = "no-key";

export function openAiClient(account: OpenAiAccount): OpenAI {
  return new OpenAI({
    apiKey: account.apiKey || NO_KEY,
    baseURL: account.baseURL,
    fetch: account.fetch,
    maxRetries: 1,
    timeout: 120_000,
  });
}

/** The SDK's errors as the API's: the provider refused or could not be reached (502), or the guard refused the URL. */
export function providerFailure(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof AppError) return cause;
  if (err instanceof OpenAI.APIError && err.status) {
    const detail = err.message.replace(/\s+/g, " ").slice(0, 300);
    return new AppError("provider_error", `The model provider answered ${err.status}: ${detail}`, { status: err.status });
  }
  if (err instanceof OpenAI.APIConnectionError || err instanceof OpenAI.APIUserAbortError) {
    return new AppError("provider_error", `The model provider could not be reached: ${err.message}`);
  }
  return err;
}

function toOpenAiMessage(turn: ChatTurn): ChatCompletionMessageParam {
  if (turn.role === "tool") return { role: "tool", tool_call_id: turn.toolCallId, content: turn.content };
  if (turn.role === "assistant" && turn.toolCalls?.length) {
    return {
      role: "assistant",
      content: turn.content || null,
      tool_calls: turn.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
    };
  }
  return { role: turn.role, content: turn.content };
}

export function openAiChat(client: OpenAI, model: string): ChatModel {
  return {
    provider: "openai",
    model,
    async *stream(request: ChatRequest): AsyncIterable<ChatEvent> {
      const tools: ChatCompletionTool[] | undefined = request.tools?.map((t) => ({
        type: "function",
        function: { name: t.name, description: t.description, parameters: t.parameters },
      }));
      let chunks: AsyncIterable<ChatCompletionChunk>;
      try {
        chunks = await client.chat.completions.create(
          {
            model,
            messages: request.messages.map(toOpenAiMessage),
            ...(tools?.length ? { tools, ...(request.toolChoice ? { tool_choice: request.toolChoice } : {}) } : {}),
            stream: true,
            stream_options: { include_usage: true },
            ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          },
          { signal: request.signal },
        );
      } catch (err) {
        throw providerFailure(err);
      }
      // Tool calls arrive in pieces keyed by index; they are whole only at the end.
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      let usage: { inputTokens: number; outputTokens: number } | null = null;
      let finishReason: string | null = null;
      let written = "";
      try {
        for await (const chunk of chunks) {
          if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
          const choice = chunk.choices[0];
          if (!choice) continue;
          if (choice.delta?.content) {
            written += choice.delta.content;
            yield { type: "delta", text: choice.delta.content };
          }
          for (const piece of choice.delta?.tool_calls ?? []) {
            const call = calls.get(piece.index) ?? { id: "", name: "", arguments: "" };
            if (piece.id) call.id = piece.id;
            if (piece.function?.name) call.name += piece.function.name;
            if (piece.function?.arguments) call.arguments += piece.function.arguments;
            calls.set(piece.index, call);
          }
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      } catch (err) {
        throw providerFailure(err);
      }
      for (const [index, call] of [...calls.entries()].sort(([a], [b]) => a - b)) {
        yield { type: "tool_call", id: call.id || `call_${index}`, name: call.name, arguments: call.arguments || "{}" };
      }
      // Servers that ignore `stream_options` (some local ones) report no usage; the budget still needs a count.
      usage ??= {
        inputTokens: estimateTokens(request.messages.map((m) => m.content).join("\n")),
        outputTokens: estimateTokens(written + [...calls.values()].map((c) => c.arguments).join("")),
      };
      yield { type: "done", usage, finishReason };
    },
  };
}

interface VerboseTranscription {
  text: string;
  language?: string;
  duration?: number;
  segments?: { start: number; end: number; text: string }[];
}

export function openAiTranscription(client: OpenAI, model: string): TranscriptionModel {
  return {
    provider: "openai",
    model,
    async transcribe(audio: AudioInput, signal?: AbortSignal): Promise<Transcription> {
      let result: VerboseTranscription;
      try {
        const file = await toFile(audio.bytes, audio.filename, { type: audio.contentType });
        result = (await client.audio.transcriptions.create(
          { file, model, response_format: "verbose_json", timestamp_granularities: ["segment"] },
          { signal },
        )) as VerboseTranscription;
      } catch (err) {
        throw providerFailure(err);
      }
      const segments = (result.segments ?? []).map((s) => ({ start: s.start, end: s.end, text: s.text.trim() })).filter((s) => s.text);
      const duration = result.duration ?? segments.at(-1)?.end ?? 0;
      return {
        text: result.text.trim(),
        language: result.language ?? null,
        durationSeconds: duration,
        segments: segments.length ? segments : result.text.trim() ? [{ start: 0, end: duration, text: result.text.trim() }] : [],
      };
    },
  };
}
