import { AppError } from "../../platform/errors";
import { toBase64 } from "../../platform/crypto";
import type { AudioInput, ChatEvent, ChatModel, ChatRequest, ChatTurn, Transcription, TranscriptionModel } from "./ai-provider";
import { estimateTokens } from "./token-estimate";

/**
 * Cloudflare Workers AI through the `AI` binding. Models take OpenAI-style
 * messages and tools and answer `{response, tool_calls, usage}`; some newer
 * ones answer in OpenAI's `choices` shape, so both are read.
 */

/** The part of the binding this file uses; models are named by configuration, so their ids are plain strings. */
export interface WorkersAiBinding {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

interface ToolCallOut {
  id?: string;
  name?: string;
  arguments?: unknown;
  function?: { name: string; arguments: string | Record<string, unknown> };
}

interface TextOutput {
  response?: string | null;
  tool_calls?: ToolCallOut[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  choices?: { message?: { content?: string | null; tool_calls?: ToolCallOut[] }; finish_reason?: string | null }[];
}

function failure(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new AppError("provider_error", `Workers AI failed: ${message.slice(0, 300)}`);
}

function toMessage(turn: ChatTurn): Record<string, unknown> {
  if (turn.role === "tool") return { role: "tool", tool_call_id: turn.toolCallId, content: turn.content };
  if (turn.role === "assistant" && turn.toolCalls?.length) {
    return {
      role: "assistant",
      content: turn.content,
      tool_calls: turn.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
    };
  }
  return { role: turn.role, content: turn.content };
}

const argumentText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value ?? {}));

export function workersAiChat(ai: WorkersAiBinding, model: string): ChatModel {
  return {
    provider: "workers-ai",
    model,
    async *stream(request: ChatRequest): AsyncIterable<ChatEvent> {
      const inputs: Record<string, unknown> = { messages: request.messages.map(toMessage) };
      // Workers AI models take no tool_choice: a text-only round offers no tools.
      if (request.tools?.length && request.toolChoice !== "none") {
        inputs.tools = request.tools.map((t) => ({ type: "function", function: { name: t.name, description: t.description, parameters: t.parameters } }));
      }
      if (request.maxTokens) inputs.max_tokens = request.maxTokens;
      if (request.temperature !== undefined) inputs.temperature = request.temperature;
      // Tool calls come whole only from a non-streamed answer, so the text arrives as one delta.
      let out: TextOutput;
      try {
        out = ((await ai.run(model, inputs)) ?? {}) as TextOutput;
      } catch (err) {
        throw failure(err);
      }
      const choice = out.choices?.[0];
      const text = (choice ? choice.message?.content : out.response) ?? "";
      const calls = (choice ? choice.message?.tool_calls : out.tool_calls) ?? [];
      if (text) yield { type: "delta", text };
      let i = 0;
      for (const call of calls) {
        const name = call.function?.name ?? call.name ?? "";
        const args = argumentText(call.function?.arguments ?? call.arguments);
        yield { type: "tool_call", id: call.id ?? `call_${i++}`, name, arguments: args };
      }
      const usage = out.usage?.prompt_tokens !== undefined
        ? { inputTokens: out.usage.prompt_tokens ?? 0, outputTokens: out.usage.completion_tokens ?? 0 }
        : { inputTokens: estimateTokens(request.messages.map((m) => m.content).join("\n")), outputTokens: estimateTokens(text) };
      yield { type: "done", usage, finishReason: choice?.finish_reason ?? (calls.length ? "tool_calls" : "stop") };
    },
  };
}

interface WhisperOutput {
  text?: string;
  transcription_info?: { language?: string; duration?: number };
  segments?: { start?: number; end?: number; text?: string }[];
}

export function workersAiTranscription(ai: WorkersAiBinding, model: string): TranscriptionModel {
  return {
    provider: "workers-ai",
    model,
    async transcribe(audio: AudioInput): Promise<Transcription> {
      // whisper-large-v3-turbo takes base64; the older whisper models take the bytes as an array of numbers.
      const inputs = model.includes("whisper-large-v3-turbo")
        ? { audio: toBase64(audio.bytes) }
        : { audio: [...audio.bytes] };
      let out: WhisperOutput;
      try {
        out = ((await ai.run(model, inputs)) ?? {}) as WhisperOutput;
      } catch (err) {
        throw failure(err);
      }
      const segments = (out.segments ?? [])
        .map((s) => ({ start: s.start ?? 0, end: s.end ?? s.start ?? 0, text: (s.text ?? "").trim() }))
        .filter((s) => s.text);
      const text = (out.text ?? "").trim();
      const duration = out.transcription_info?.duration ?? segments.at(-1)?.end ?? 0;
      return {
        text,
        language: out.transcription_info?.language ?? null,
        durationSeconds: duration,
        segments: segments.length ? segments : text ? [{ start: 0, end: duration, text }] : [],
      };
    },
  };
}
