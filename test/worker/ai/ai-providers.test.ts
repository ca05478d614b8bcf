import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../../schema";
import { resolveAi, serverProvider } from "../../../worker/ai/providers/ai-config";
import { completeChat, type ChatEvent } from "../../../worker/ai/providers/ai-provider";
import { unique } from "../../helpers";
import { fakeBaseUrl, fakeRequests, scriptFake } from "../../fakes/openai-fixtures";

/**
 * The provider seam with the server's own settings (AI_PROVIDER and friends),
 * which tests cannot set through the API: each case resolves against a copy
 * of the test environment with the operator's variables filled in.
 */

const db = drizzle(env.DB, { schema });
const TOOLS = [{ name: "search_records", description: "Search", parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"] } }];

/** A stand-in for the Workers AI binding: it answers like the real one and records exactly what it was asked. */
function standInAi(answers: unknown[]) {
  const calls: { model: string; inputs: Record<string, unknown> }[] = [];
  return {
    calls,
    binding: {
      async run(model: string, inputs: Record<string, unknown>) {
        calls.push({ model, inputs });
        return answers.shift();
      },
    },
  };
}

async function collect(events: AsyncIterable<ChatEvent>) {
  const out: ChatEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe("the provider seam with the server's settings", () => {
  it("is off unless the operator configured a provider", () => {
    expect(serverProvider({})).toBeNull();
    expect(serverProvider({ AI_PROVIDER: "workers-ai" })).toBeNull();
    expect(serverProvider({ AI_PROVIDER: "openai" })).toBeNull();
    expect(serverProvider({ AI_PROVIDER: "something-else", OPENAI_API_KEY: "sk-x" })).toBeNull();
    expect(serverProvider({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" })).toBe("openai");
    expect(serverProvider({ AI_PROVIDER: "workers-ai", AI: {} as Ai })).toBe("workers-ai");
  });

  it("sends Workers AI the configured model ids and OpenAI-style messages and tools, and reads its tool calls", async () => {
    const ai = standInAi([
      { response: "", tool_calls: [{ name: "search_records", arguments: { query: "acme" } }], usage: { prompt_tokens: 31, completion_tokens: 7, total_tokens: 38 } },
      { response: "Acme is a customer.", usage: { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 } },
    ]);
    const resolved = await resolveAi({ ...env, AI_PROVIDER: "workers-ai", AI: ai.binding as unknown as Ai }, db, unique("org"));
    expect(resolved.routes.chat).toEqual({ provider: "workers-ai", model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast", source: "server" });
    const first = await collect(resolved.chat!.stream({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Who is acme?" }], tools: TOOLS, maxTokens: 300 }));
    expect(first).toEqual([
      { type: "tool_call", id: "call_0", name: "search_records", arguments: '{"query":"acme"}' },
      { type: "done", usage: { inputTokens: 31, outputTokens: 7 }, finishReason: "tool_calls" },
    ]);
    expect(ai.calls[0]).toEqual({
      model: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
      inputs: {
        messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Who is acme?" }],
        tools: [{ type: "function", function: TOOLS[0] }],
        max_tokens: 300,
      },
    });
    const second = await completeChat(resolved.chat!, {
      messages: [
        { role: "user", content: "Who is acme?" },
        { role: "assistant", content: "", toolCalls: [{ id: "call_0", name: "search_records", arguments: '{"query":"acme"}' }] },
        { role: "tool", toolCallId: "call_0", content: '{"data":[]}' },
      ],
    });
    expect(second).toEqual({ text: "Acme is a customer.", toolCalls: [], usage: { inputTokens: 50, outputTokens: 5 } });
    expect(ai.calls[1]!.inputs.messages).toEqual([
      { role: "user", content: "Who is acme?" },
      { role: "assistant", content: "", tool_calls: [{ id: "call_0", type: "function", function: { name: "search_records", arguments: '{"query":"acme"}' } }] },
      { role: "tool", tool_call_id: "call_0", content: '{"data":[]}' },
    ]);
  });

  it("reads answers in OpenAI's choices shape from newer Workers AI models", async () => {
    const ai = standInAi([
      { choices: [{ message: { content: null, tool_calls: [{ id: "chatcmpl-tool-1", type: "function", function: { name: "search_records", arguments: '{"query":"x"}' } }] }, finish_reason: "tool_calls" }], usage: { prompt_tokens: 9, completion_tokens: 3 } },
    ]);
    const resolved = await resolveAi({ ...env, AI_PROVIDER: "workers-ai", AI: ai.binding as unknown as Ai, AI_CHAT_MODEL: "@cf/qwen/qwen3-30b-a3b-fp8" }, db, unique("org"));
    const events = await collect(resolved.chat!.stream({ messages: [{ role: "user", content: "x" }], tools: TOOLS }));
    expect(ai.calls[0]!.model).toBe("@cf/qwen/qwen3-30b-a3b-fp8");
    expect(ai.calls[0]!.inputs.tools).toEqual([{ type: "function", function: TOOLS[0] }]);
    expect(events).toEqual([
      { type: "tool_call", id: "chatcmpl-tool-1", name: "search_records", arguments: '{"query":"x"}' },
      { type: "done", usage: { inputTokens: 9, outputTokens: 3 }, finishReason: "tool_calls" },
    ]);
  });

  it("sends Workers AI whisper-large-v3-turbo the audio as base64 and reads its segments", async () => {
    const audio = new Uint8Array([82, 73, 70, 70, 1, 2, 3, 250]);
    const ai = standInAi([
      {
        text: "Hello there. Thanks for calling.",
        transcription_info: { language: "en", duration: 4.2 },
        segments: [{ start: 0, end: 1.5, text: " Hello there." }, { start: 1.6, end: 4.2, text: " Thanks for calling." }],
      },
    ]);
    const resolved = await resolveAi({ ...env, AI_PROVIDER: "workers-ai", AI: ai.binding as unknown as Ai }, db, unique("org"));
    const result = await resolved.transcription!.transcribe({ bytes: audio, contentType: "audio/wav", filename: "call.wav" });
    expect(ai.calls).toEqual([{ model: "@cf/openai/whisper-large-v3-turbo", inputs: { audio: btoa(String.fromCharCode(...audio)) } }]);
    expect(result).toEqual({
      text: "Hello there. Thanks for calling.",
      language: "en",
      durationSeconds: 4.2,
      segments: [{ start: 0, end: 1.5, text: "Hello there." }, { start: 1.6, end: 4.2, text: "Thanks for calling." }],
    });
  });

  it("reaches the operator's OpenAI-compatible server (loopback allowed for the operator) and joins streamed tool-call fragments", async () => {
    const key = `sk-server-${unique()}`;
    await scriptFake(key, [{ toolCalls: [{ name: "search_records", arguments: { query: "renewals this quarter" } }, { name: "search_records", arguments: { query: "acme" } }] }, { text: "All done here." }]);
    const operator = { ...env, OUTBOUND_ALLOW_LOOPBACK: undefined, OPENAI_BASE_URL: fakeBaseUrl(), OPENAI_API_KEY: key, AI_CHAT_MODEL: "served-model" };
    const resolved = await resolveAi(operator, db, unique("org"));
    expect(resolved.routes.chat).toEqual({ provider: "openai", model: "served-model", source: "server" });
    const events = await collect(resolved.chat!.stream({ messages: [{ role: "user", content: "renewals?" }], tools: TOOLS }));
    expect(events.filter((e) => e.type === "tool_call")).toEqual([
      { type: "tool_call", id: expect.stringMatching(/^call_/), name: "search_records", arguments: '{"query":"renewals this quarter"}' },
      { type: "tool_call", id: expect.stringMatching(/^call_/), name: "search_records", arguments: '{"query":"acme"}' },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "done", finishReason: "tool_calls" });
    const text = await collect(resolved.chat!.stream({ messages: [{ role: "user", content: "and?" }], tools: TOOLS, toolChoice: "none" }));
    expect(text.filter((e) => e.type === "delta").map((e) => (e as { text: string }).text).join("")).toBe("All done here.");
    const sent = await fakeRequests(key);
    expect(sent[0]!.body).toMatchObject({ model: "served-model", tools: [{ type: "function", function: TOOLS[0] }] });
    expect(sent[1]!.body).toMatchObject({ tools: [{ type: "function", function: TOOLS[0] }], tool_choice: "none" });
  });

  it("guards an organization's own base URL even where the operator's may be loopback", async () => {
    const orgId = unique("org");
    await env.DB.prepare("INSERT INTO ai_settings (org_id, base_url, transcription_enabled, updated_at) VALUES (?, ?, 1, ?)").bind(orgId, fakeBaseUrl(), Date.now()).run();
    const resolved = await resolveAi({ ...env, OUTBOUND_ALLOW_LOOPBACK: undefined }, db, orgId);
    await expect(completeChat(resolved.chat!, { messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ code: "outbound_blocked" });
  });
});
