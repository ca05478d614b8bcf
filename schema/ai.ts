import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Sentiment, SentimentRollup } from "./sentiment";

/**
 * The AI layer's tables: each organization's own model settings (its key
 * sealed like telephony credentials), metered usage, the assistant's
 * conversations with their proposed actions, and call transcripts.
 */

export const AI_PROVIDERS = ["openai", "workers-ai"] as const;
export type AiProviderName = (typeof AI_PROVIDERS)[number];

export const AI_CAPABILITIES = ["chat", "transcription"] as const;
export type AiCapability = (typeof AI_CAPABILITIES)[number];

/** What spent the tokens or audio seconds, for the admins' usage breakdown. */
export const AI_FEATURES = ["assistant", "ticket_draft", "call_transcript", "call_summary", "sentiment", "workflow"] as const;
export type AiFeature = (typeof AI_FEATURES)[number];

/** An organization's own OpenAI-compatible account, overriding the server's; absent row = the server's settings. */
export const aiSettings = sqliteTable("ai_settings", {
  orgId: text("org_id").primaryKey(),
  /** The org's OpenAI-compatible base URL (passes the outbound-fetch guard); null = the server's. */
  baseUrl: text("base_url"),
  /** AES-GCM ciphertext (base64) of `{apiKey}`, bound to "ai_settings:<orgId>"; null = no key of its own. */
  keyCiphertext: text("key_ciphertext"),
  keyIv: text("key_iv"),
  /** The last 4 characters of the key, so admins can tell keys apart; the rest is never answered. */
  keyLast4: text("key_last4"),
  chatModel: text("chat_model"),
  transcribeModel: text("transcribe_model"),
  /** Off: recordings are not transcribed (nor sent to any provider). */
  transcriptionEnabled: integer("transcription_enabled", { mode: "boolean" }).notNull().default(true),
  /** Tokens per calendar month (UTC) for the whole organization; null = the server default. */
  monthlyTokenBudget: integer("monthly_token_budget"),
  /** Seconds of audio transcribed per calendar month (UTC); null = the server default. */
  monthlyAudioSecondsBudget: integer("monthly_audio_seconds_budget"),
  updatedBy: text("updated_by"),
  updatedAt: integer("updated_at").notNull(),
});

/** One metered model call. Per-event rows give the per-user and per-feature breakdown. */
export const aiUsage = sqliteTable(
  "ai_usage",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    /** Null for background work (transcribing a recording) that no one asked for directly. */
    userId: text("user_id"),
    feature: text("feature", { enum: AI_FEATURES }).notNull(),
    provider: text("provider", { enum: AI_PROVIDERS }).notNull(),
    model: text("model").notNull(),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    audioSeconds: integer("audio_seconds").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("ai_usage_org_time_idx").on(t.orgId, t.createdAt)],
);

export const aiConversations = sqliteTable(
  "ai_conversations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    /** Only this user lists, replays or continues it. */
    userId: text("user_id").notNull(),
    title: text("title").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("ai_conversations_user_idx").on(t.orgId, t.userId, t.updatedAt)],
);

export const AI_MESSAGE_ROLES = ["user", "assistant", "tool"] as const;
export type AiMessageRole = (typeof AI_MESSAGE_ROLES)[number];

/** A record the answer is about, which the user may open. */
export interface AiCitation {
  type: "deal" | "contact" | "company" | "lead" | "ticket" | "call" | "activity" | "kb_article";
  id: string;
  title: string;
}

export interface AiToolCall {
  id: string;
  name: string;
  /** The model's JSON arguments, as it sent them. */
  arguments: string;
}

/** Where the user was when they asked: on a deal page, "this deal" is that deal. */
export interface AiPageContext {
  path: string;
  recordType?: AiCitation["type"];
  recordId?: string;
}

export const aiMessages = sqliteTable(
  "ai_messages",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    /** Order within the conversation. */
    seq: integer("seq").notNull(),
    role: text("role", { enum: AI_MESSAGE_ROLES }).notNull(),
    content: text("content").notNull().default(""),
    toolCalls: text("tool_calls", { mode: "json" }).$type<AiToolCall[]>(),
    /** For a tool message: which call it answers. */
    toolCallId: text("tool_call_id"),
    citations: text("citations", { mode: "json" }).$type<AiCitation[]>(),
    context: text("context", { mode: "json" }).$type<AiPageContext>(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("ai_messages_conversation_seq_idx").on(t.conversationId, t.seq)],
);

export const AI_ACTION_KINDS = ["create_task", "log_note", "move_deal", "draft_email"] as const;
export type AiActionKind = (typeof AI_ACTION_KINDS)[number];
export const AI_ACTION_STATUSES = ["proposed", "confirmed", "dismissed", "failed"] as const;
export type AiActionStatus = (typeof AI_ACTION_STATUSES)[number];

/** A change the assistant proposed; it runs only when its user confirms it. */
export const aiActions = sqliteTable(
  "ai_actions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    conversationId: text("conversation_id").notNull(),
    userId: text("user_id").notNull(),
    kind: text("kind", { enum: AI_ACTION_KINDS }).notNull(),
    /** The validated input the service will be called with. */
    input: text("input", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** One line the user reads before confirming. */
    summary: text("summary").notNull(),
    status: text("status", { enum: AI_ACTION_STATUSES }).notNull().default("proposed"),
    /** What the confirmed action made (e.g. `{type: "activity", id}`), or why it failed. */
    result: text("result", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull(),
    resolvedAt: integer("resolved_at"),
  },
  (t) => [index("ai_actions_conversation_idx").on(t.conversationId, t.createdAt)],
);

export const TRANSCRIPT_STATUSES = ["pending", "done", "failed", "skipped"] as const;
export type TranscriptStatus = (typeof TRANSCRIPT_STATUSES)[number];

export interface TranscriptSegment {
  /** "agent" and "customer" on dual-channel recordings; "speaker" when the audio has one channel. */
  speaker: "agent" | "customer" | "speaker";
  /** Seconds from the recording's start. */
  start: number;
  end: number;
  text: string;
  /** Customer segments (and single-channel ones) are judged once transcribed. */
  sentiment?: Sentiment;
}

export interface TranscriptActionItem {
  id: string;
  text: string;
  /** Set once someone turned it into a task. */
  taskId?: string;
}

/** One per call recording; `recordingKey` makes the queue job idempotent. */
export const callTranscripts = sqliteTable(
  "call_transcripts",
  {
    callId: text("call_id").primaryKey(),
    orgId: text("org_id").notNull(),
    recordingKey: text("recording_key").notNull(),
    status: text("status", { enum: TRANSCRIPT_STATUSES }).notNull(),
    language: text("language"),
    /** The customer side of the call, rolled up from its judged segments. */
    sentiment: text("sentiment", { mode: "json" }).$type<SentimentRollup>(),
    segments: text("segments", { mode: "json" }).$type<TranscriptSegment[]>().notNull().default([]),
    /** All segments' text, which the FTS index reads. */
    text: text("text").notNull().default(""),
    /** A draft: the agent edits it. */
    summary: text("summary"),
    actionItems: text("action_items", { mode: "json" }).$type<TranscriptActionItem[]>().notNull().default([]),
    provider: text("provider", { enum: AI_PROVIDERS }),
    model: text("model"),
    error: text("error"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("call_transcripts_org_idx").on(t.orgId, t.updatedAt)],
);
