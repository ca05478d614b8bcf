import type { ErrorCode } from "./envelope";
import type { AiActionKind, AiActionStatus, AiCitation, AiPageContext, AiToolCall } from "./ai";
import type { InsightEvidence, InsightKind } from "./insights";

/**
 * What the AI layer's API and events carry: the assistant's conversations,
 * its `text/event-stream` answers, proposed actions, drafts, and the
 * `ai_insight` room event. The web app reads these same types.
 */

/**
 * How answers cite: the model writes `[[type:id]]` right after a statement
 * about a record; the server keeps only markers of records its tools returned
 * to this user, and the panel shows each as a link.
 */
export const CITATION_MARKER = /\[\[(deal|contact|company|lead|ticket|call|activity|kb_article):([A-Za-z0-9_-]{1,64})\]\]/g;

export const citationMarker = (c: Pick<AiCitation, "type" | "id">) => `[[${c.type}:${c.id}]]`;

export interface AiActionView {
  id: string;
  kind: AiActionKind;
  /** One line the user reads before confirming, e.g. "Log a note on Acme renewal". */
  summary: string;
  input: Record<string, unknown>;
  status: AiActionStatus;
  /** After confirmation: what was made (`{type, id}`) or `{error}`. */
  result: Record<string, unknown> | null;
  createdAt: number;
  resolvedAt: number | null;
}

export interface AiMessageView {
  id: string;
  role: "user" | "assistant";
  content: string;
  citations: AiCitation[];
  toolCalls: AiToolCall[];
  context: AiPageContext | null;
  createdAt: number;
}

export interface AiConversationSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
}

export interface AiConversationDetail extends AiConversationSummary {
  messages: AiMessageView[];
  actions: AiActionView[];
}

/** One event of an answer's stream: SSE `event:` is the key, `data:` the JSON value. */
export interface AssistantStreamEvents {
  /** The user's message as stored. */
  message: AiMessageView;
  /** A piece of the answer's text (citation markers included). */
  delta: { text: string };
  /** A tool the model called, as it called it. */
  tool_call: { id: string; name: string; arguments: unknown };
  /** What the tool found, as citations (its data went to the model only). */
  tool_result: { id: string; name: string; citations: AiCitation[]; error?: string };
  /** A change the model proposed; nothing happens until the user confirms it. */
  action: AiActionView;
  /** The whole answer as stored, with the records it cites. */
  done: { message: AiMessageView; citations: AiCitation[]; actions: AiActionView[] };
  error: { code: ErrorCode; message: string };
}

export type AssistantStreamEventName = keyof AssistantStreamEvents;

/** A ticket reply draft's stream: the text as it is written, then the whole draft and the articles it used. */
export interface DraftStreamEvents {
  delta: { text: string };
  done: { draft: string; citations: AiCitation[] };
  error: { code: ErrorCode; message: string };
}

/**
 * `ai_insight`: a rule raised an insight (a deal at risk, a hot lead, a ticket
 * escalation) or a summary or draft finished; sent only to members who may
 * see the record.
 */
export interface AiInsight {
  kind: InsightKind;
  record: AiCitation;
  /** A line for a toast, e.g. the summary's first sentence. */
  headline: string;
  /** Who asked for it; null for background work (a rule, a transcribed recording). */
  by: string | null;
  /** The inbox entry, when the insight is kept there (schema/insights.ts). */
  insightId?: string;
  evidence?: InsightEvidence[];
}
