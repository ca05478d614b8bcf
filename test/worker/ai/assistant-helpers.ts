import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { AssistantStreamEvents } from "../../../schema/ai-api";
import { api, BASE, type Account } from "../../helpers";
import { fakeRequests, type RecordedRequest } from "../../fakes/openai-fixtures";

/** One server-sent event of an answer, typed by its name. */
export type StreamEvent = { [K in keyof AssistantStreamEvents]: { event: K; data: AssistantStreamEvents[K] } }[keyof AssistantStreamEvents];

/** The events of a `text/event-stream` body, in order (`event:` name, `data:` JSON). */
export function parseEvents(body: string): StreamEvent[] {
  return body
    .split(/\r?\n\r?\n/)
    .map((block) => block.split(/\r?\n/))
    .filter((lines) => lines.some((l) => l.startsWith("data:")))
    .map((lines) => ({
      event: lines.find((l) => l.startsWith("event:"))?.slice(6).trim() ?? "message",
      data: JSON.parse(lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n")),
    })) as StreamEvent[];
}

export const eventsNamed = <K extends keyof AssistantStreamEvents>(events: StreamEvent[], name: K): AssistantStreamEvents[K][] =>
  events.filter((e) => e.event === name).map((e) => e.data as AssistantStreamEvents[K]);

export async function startConversation(account: Account, title?: string): Promise<string> {
  const res = await api("/api/ai/conversations", { token: account.token, body: title ? { title } : {} });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}

export interface Answer {
  status: number;
  contentType: string | null;
  events: StreamEvent[];
  /** The JSON body when the request was refused before the stream opened. */
  body: any;
}

/** Asks a question and reads the whole answer. */
export async function ask(account: Account, conversationId: string, content: string, context?: AssistantStreamEvents["message"]["context"]): Promise<Answer> {
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/ai/conversations/${encodeURIComponent(conversationId)}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${account.token}`, "content-type": "application/json" },
      body: JSON.stringify({ content, ...(context ? { context } : {}) }),
    }),
  );
  const text = await res.text();
  const contentType = res.headers.get("content-type");
  const streamed = contentType?.startsWith("text/event-stream") ?? false;
  return { status: res.status, contentType, events: streamed ? parseEvents(text) : [], body: streamed ? null : JSON.parse(text) };
}

export function doneOf(answer: Answer) {
  const done = eventsNamed(answer.events, "done");
  expect(done, JSON.stringify(answer.events)).toHaveLength(1);
  return done[0]!;
}

type SentMessage = { role: string; content?: unknown; tool_call_id?: string; tool_calls?: unknown[] };

/** The chat requests the Worker sent on this key's lane, each with its messages. */
export async function chatRequests(key: string): Promise<(RecordedRequest & { messages: SentMessage[] })[]> {
  return (await fakeRequests(key)).filter((r) => r.path === "/v1/chat/completions").map((r) => ({ ...r, messages: (r.body.messages ?? []) as SentMessage[] }));
}

/** Every tool message the model was sent over the whole lane, as text. */
export async function toolMessagesSent(key: string): Promise<string> {
  const requests = await chatRequests(key);
  return requests.flatMap((r) => r.messages.filter((m) => m.role === "tool").map((m) => String(m.content))).join("\n");
}

/** A local date ("YYYY-MM-DD") in a time zone, `months` after the current month, on `day`. */
export function dayInMonth(timeZone: string, months: number, day: number): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).formatToParts(new Date());
  const year = Number(parts.find((p) => p.type === "year")!.value);
  const month = Number(parts.find((p) => p.type === "month")!.value);
  const d = new Date(Date.UTC(year, month - 1 + months, day));
  return d.toISOString().slice(0, 10);
}
