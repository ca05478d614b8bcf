import type { AiProviderName } from "../../../schema";

/**
 * The one seam every AI feature goes through. Two implementations speak to
 * real models: the official `openai` SDK against any OpenAI-compatible server
 * (openai-provider.ts) and the Workers AI binding (workers-ai-provider.ts).
 * Features never see which one answers.
 */

export interface ChatToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export type ChatTurn =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: { id: string; name: string; arguments: string }[] }
  | { role: "tool"; toolCallId: string; content: string };

export interface ChatRequest {
  messages: ChatTurn[];
  tools?: ChatToolSpec[];
  /**
   * "none": the tools are listed (a conversation holding earlier tool calls needs them, for some servers)
   * but the model must answer in text.
   */
  toolChoice?: "auto" | "none";
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

export interface ChatUsage {
  inputTokens: number;
  outputTokens: number;
}

/** What a streamed answer yields, in order: text deltas and whole tool calls, then one `done`. */
export type ChatEvent =
  | { type: "delta"; text: string }
  | { type: "tool_call"; id: string; name: string; arguments: string }
  | { type: "done"; usage: ChatUsage; finishReason: string | null };

export interface ChatModel {
  provider: AiProviderName;
  model: string;
  stream(request: ChatRequest): AsyncIterable<ChatEvent>;
}

export interface TranscribedSegment {
  start: number;
  end: number;
  text: string;
}

export interface Transcription {
  text: string;
  language: string | null;
  /** Length of the audio in seconds, as the model measured it (what usage meters). */
  durationSeconds: number;
  segments: TranscribedSegment[];
}

export interface AudioInput {
  bytes: Uint8Array<ArrayBuffer>;
  /** e.g. "audio/wav", "audio/mpeg". */
  contentType: string;
  filename: string;
}

export interface TranscriptionModel {
  provider: AiProviderName;
  model: string;
  transcribe(audio: AudioInput, signal?: AbortSignal): Promise<Transcription>;
}

/** Collects a whole answer from a stream, for features that do not stream to a user (summaries). */
export async function completeChat(model: ChatModel, request: ChatRequest) {
  let text = "";
  const toolCalls: { id: string; name: string; arguments: string }[] = [];
  let usage: ChatUsage = { inputTokens: 0, outputTokens: 0 };
  for await (const event of model.stream(request)) {
    if (event.type === "delta") text += event.text;
    else if (event.type === "tool_call") toolCalls.push(event);
    else usage = event.usage;
  }
  return { text, toolCalls, usage };
}
