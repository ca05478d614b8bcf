import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FAKE_INVALID_KEY, type FakeStep, type RecordedRequest } from "./openai-fake-lanes";

/**
 * A local OpenAI-compatible server speaking the real wire format, for the
 * workerd tests and the browser tests: `POST /v1/chat/completions` (JSON or
 * SSE chunks with streamed `tool_calls` and a final usage chunk) and
 * `POST /v1/audio/transcriptions` (multipart upload, `verbose_json`).
 *
 * It is not a model: each API key is a test's own lane. A test queues what
 * the "model" answers next (`POST /__script`), and reads back every request
 * the Worker sent (`GET /__requests?key=`), so it checks exactly what left
 * the Worker: which tools were offered, what their results contained.
 *
 * A scripted text may contain `{{cite_all}}`, replaced by one line per record
 * found in the request's latest tool results (objects with `title` and a
 * `cite` marker), the way a real model quotes what its tools returned.
 */

interface Lane {
  steps: FakeStep[];
  requests: RecordedRequest[];
}

const lanes = new Map<string, Lane>();
const lane = (key: string) => {
  let l = lanes.get(key);
  if (!l) lanes.set(key, (l = { steps: [], requests: [] }));
  return l;
};

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const openAiError = (res: ServerResponse, status: number, message: string, code: string | null = null) =>
  json(res, status, { error: { message, type: status === 401 ? "invalid_request_error" : "api_error", param: null, code } });

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const tokens = (text: string) => Math.ceil(text.length / 4);

/** Lines for every cited record in the latest run of tool messages. */
function citeAll(messages: { role: string; content?: unknown }[]): string {
  const latest: string[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]!.role === "tool"; i--) latest.unshift(String(messages[i]!.content ?? ""));
  const lines: string[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    if (typeof record.cite === "string" && typeof record.title === "string") lines.push(`- ${record.title} ${record.cite}`);
    Object.values(record).forEach(visit);
  };
  for (const content of latest) {
    try {
      visit(JSON.parse(content));
    } catch {
      // A tool message that is not JSON cites nothing.
    }
  }
  return lines.length ? lines.join("\n") : "I can't find that.";
}

/** Splits text into a few pieces, as a model streams it. */
function pieces(text: string): string[] {
  const out: string[] = [];
  const size = Math.max(1, Math.ceil(text.length / 4));
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

async function chat(res: ServerResponse, body: Record<string, unknown>, step: FakeStep | undefined, firstTokenMs: number) {
  const messages = (body.messages ?? []) as { role: string; content?: unknown }[];
  const model = String(body.model ?? "");
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const created = Math.floor(Date.now() / 1000);
  const promptTokens = tokens(JSON.stringify(messages));
  const text = step && "text" in step ? step.text.replaceAll("{{cite_all}}", citeAll(messages)) : step ? "" : "OK";
  const calls = step && "toolCalls" in step
    ? step.toolCalls.map((c, i) => ({ id: `call_${Math.random().toString(36).slice(2, 10)}_${i}`, name: c.name, arguments: JSON.stringify(c.arguments) }))
    : [];
  const completionTokens = tokens(text + calls.map((c) => c.arguments).join(""));
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const finish = calls.length ? "tool_calls" : "stop";
  if (!body.stream) {
    return json(res, 200, {
      id, object: "chat.completion", created, model,
      choices: [{
        index: 0,
        message: { role: "assistant", content: calls.length ? null : text, ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })) } : {}) },
        finish_reason: finish,
      }],
      usage,
    });
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`);
  send({ role: "assistant", content: "" });
  if (firstTokenMs) await new Promise((resolve) => setTimeout(resolve, firstTokenMs));
  const delayMs = step && "text" in step ? (step.delayMs ?? 0) : 0;
  for (const piece of pieces(text)) {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (res.destroyed) return;
    send({ content: piece });
  }
  calls.forEach((call, index) => {
    // The first piece names the call; its arguments follow in fragments, as OpenAI streams them.
    send({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] });
    for (const fragment of pieces(call.arguments)) send({ tool_calls: [{ index, function: { arguments: fragment } }] });
  });
  send({}, finish);
  const options = body.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage })}\n\n`);
  res.end("data: [DONE]\n\n");
}

async function transcription(req: IncomingMessage, res: ServerResponse, raw: Buffer, key: string, step: FakeStep | undefined) {
  const form = await new Response(new Uint8Array(raw), { headers: { "content-type": req.headers["content-type"] ?? "" } }).formData().catch(() => null);
  const file = form?.get("file") as unknown;
  if (!form || !(file instanceof Blob)) return openAiError(res, 400, "Could not parse multipart form: 'file' is required");
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    const upload = value as unknown as File;
    fields[name] = typeof value === "string" ? value : { name: upload.name, type: upload.type, size: upload.size };
  }
  lane(key).requests.push({ path: "/v1/audio/transcriptions", headers: headersOf(req), body: fields });
  if (step && "error" in step) return openAiError(res, step.error.status, step.error.message);
  const script = step && "transcript" in step ? step.transcript : { text: "", duration: 0, segments: [] };
  const format = fields.response_format ?? "json";
  if (format === "verbose_json") {
    return json(res, 200, {
      task: "transcribe",
      language: script.language ?? "english",
      duration: script.duration,
      text: script.text,
      segments: script.segments.map((s, id) => ({ id, seek: 0, start: s.start, end: s.end, text: ` ${s.text}`, tokens: [], temperature: 0, avg_logprob: -0.2, compression_ratio: 1.2, no_speech_prob: 0.01 })),
    });
  }
  return json(res, 200, { text: script.text, usage: { type: "duration", seconds: Math.ceil(script.duration) } });
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") out[name] = value;
  return out;
}

async function handle(req: IncomingMessage, res: ServerResponse, firstTokenMs: number) {
  const url = new URL(req.url ?? "/", "http://fake");
  const raw = await readBody(req);
  if (url.pathname === "/__script" && req.method === "POST") {
    const { key, steps } = JSON.parse(raw.toString("utf8")) as { key: string; steps: FakeStep[] };
    lane(key).steps.push(...steps);
    return json(res, 200, { queued: lane(key).steps.length });
  }
  if (url.pathname === "/__requests") {
    const key = url.searchParams.get("key") ?? "";
    return json(res, 200, lanes.get(key)?.requests ?? []);
  }
  const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
  const key = auth?.[1] ?? "";
  if (!key || key === FAKE_INVALID_KEY) return openAiError(res, 401, "Incorrect API key provided.", "invalid_api_key");
  const step = lane(key).steps.shift();
  if (req.method === "POST" && url.pathname === "/v1/audio/transcriptions") return transcription(req, res, raw, key, step);
  if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") return openAiError(res, 404, `Unknown request URL: ${req.method} ${url.pathname}`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
  } catch {
    return openAiError(res, 400, "We could not parse the JSON body of your request.");
  }
  lane(key).requests.push({ path: url.pathname, headers: headersOf(req), body });
  if (step && "error" in step) return openAiError(res, step.error.status, step.error.message);
  return chat(res, body, step, firstTokenMs);
}

/**
 * `firstTokenMs`: how long every streamed answer takes to its first token, as
 * a hosted model does (the benchmarks use it; tests leave it at 0).
 */
export async function startOpenAiFake({ firstTokenMs = 0 } = {}): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    handle(req, res, firstTokenMs).catch((err) => openAiError(res, 500, String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
