import { and, asc, desc, eq, gte, isNotNull, sql } from "drizzle-orm";
import { aiActions, aiConversations, aiMessages, type AiCitation, type AiPageContext, type AiToolCall } from "../../../schema";
import type { AiConversationSummary, AiMessageView } from "../../../schema/ai-api";
import type { Db } from "../../platform/db";
import { notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { Actor } from "../../platform/records";
import type { ChatTurn } from "../providers/ai-provider";
import { citationKey } from "./assistant-citations";

/**
 * A member's conversations with the assistant: only their own are listed,
 * replayed or continued; anyone else's (another member's, another
 * organization's) is "not found". Messages are stored in order (`seq`),
 * tool calls and tool results included, so the model can be given the
 * conversation again on the next question.
 */

export type ConversationRow = typeof aiConversations.$inferSelect;
type MessageRow = typeof aiMessages.$inferSelect;

export const UNTITLED = "New conversation";
/** The model is given at most this many earlier questions with what answered them... */
const HISTORY_TURNS = 20;
/** ...and drops the oldest of them while their text runs over this many characters. */
const HISTORY_CHARS = 48_000;
const TITLE_CHARS = 80;

export const conversationSummary = (c: ConversationRow): AiConversationSummary => ({
  id: c.id,
  title: c.title,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export function messageView(m: Pick<MessageRow, "id" | "role" | "content" | "citations" | "toolCalls" | "context" | "createdAt">): AiMessageView {
  return {
    id: m.id,
    role: m.role === "user" ? "user" : "assistant",
    content: m.content,
    citations: m.citations ?? [],
    toolCalls: m.toolCalls ?? [],
    context: m.context ?? null,
    createdAt: m.createdAt,
  };
}

export async function createConversation(db: Db, actor: Actor, title?: string): Promise<AiConversationSummary> {
  const now = Date.now();
  const row: ConversationRow = { id: newId(), orgId: actor.orgId, userId: actor.userId, title: title?.trim() || UNTITLED, createdAt: now, updatedAt: now };
  await db.insert(aiConversations).values(row);
  return conversationSummary(row);
}

const own = (actor: Actor) => and(eq(aiConversations.orgId, actor.orgId), eq(aiConversations.userId, actor.userId));

export async function listConversations(db: Db, actor: Actor, page: number, perPage: number) {
  const [rows, [count]] = await Promise.all([
    db
      .select()
      .from(aiConversations)
      .where(own(actor))
      .orderBy(desc(aiConversations.updatedAt), desc(aiConversations.id))
      .limit(perPage)
      .offset((page - 1) * perPage),
    db.select({ total: sql<number>`count(*)` }).from(aiConversations).where(own(actor)),
  ]);
  return { rows: rows.map(conversationSummary), total: count?.total ?? 0 };
}

export async function requireOwnConversation(db: Db, actor: Actor, id: string): Promise<ConversationRow> {
  const row = await db.select().from(aiConversations).where(and(own(actor), eq(aiConversations.id, id))).get();
  if (!row) throw notFound("Conversation");
  return row;
}

/** The questions and answers as the user saw them; tool results stay out (their data went to the model only). */
export async function conversationMessages(db: Db, conversationId: string): Promise<AiMessageView[]> {
  const rows = await db
    .select()
    .from(aiMessages)
    .where(and(eq(aiMessages.conversationId, conversationId), sql`${aiMessages.role} <> 'tool'`))
    .orderBy(asc(aiMessages.seq));
  return rows.map(messageView);
}

export async function deleteConversation(db: Db, actor: Actor, id: string) {
  await requireOwnConversation(db, actor, id);
  await db.batch([
    db.delete(aiMessages).where(and(eq(aiMessages.orgId, actor.orgId), eq(aiMessages.conversationId, id))),
    db.delete(aiActions).where(and(eq(aiActions.orgId, actor.orgId), eq(aiActions.conversationId, id))),
    db.delete(aiConversations).where(and(own(actor), eq(aiConversations.id, id))),
  ]);
}

export type NewMessage =
  | { role: "user"; content: string; context: AiPageContext | null }
  | { role: "assistant"; content: string; toolCalls?: AiToolCall[]; citations?: AiCitation[] }
  | { role: "tool"; toolCallId: string; content: string; citations: AiCitation[] };

/**
 * Appends messages in one batch, so a tool-calling turn is stored with all
 * its results or not at all (the model refuses a call without its result).
 * Each takes the next `seq` of the conversation as it is inserted. The
 * first question titles an untitled conversation.
 */
export async function appendMessages(db: Db, conversation: ConversationRow, messages: NewMessage[]): Promise<AiMessageView[]> {
  const now = Date.now();
  const rows = messages.map((m) => ({
    id: newId(),
    orgId: conversation.orgId,
    conversationId: conversation.id,
    role: m.role,
    content: m.content,
    toolCalls: m.role === "assistant" && m.toolCalls?.length ? m.toolCalls : null,
    toolCallId: m.role === "tool" ? m.toolCallId : null,
    citations: m.role === "user" ? null : (m.citations ?? null),
    context: m.role === "user" ? m.context : null,
    createdAt: now,
  }));
  const question = messages.find((m) => m.role === "user");
  const title = question && conversation.title === UNTITLED ? question.content.replace(/\s+/g, " ").trim().slice(0, TITLE_CHARS) : undefined;
  const [first, ...rest] = rows.map((row) =>
    db.insert(aiMessages).values({
      ...row,
      seq: sql`(SELECT coalesce(max(${aiMessages.seq}), 0) + 1 FROM ${aiMessages} WHERE ${aiMessages.conversationId} = ${conversation.id})`,
    }),
  );
  const touch = db
    .update(aiConversations)
    .set({ updatedAt: now, ...(title ? { title } : {}) })
    .where(eq(aiConversations.id, conversation.id));
  await db.batch(first ? [first, ...rest, touch] : [touch]);
  if (title) conversation.title = title;
  conversation.updatedAt = now;
  return rows.filter((r) => r.role !== "tool").map(messageView);
}

const toTurn = (m: MessageRow): ChatTurn =>
  m.role === "tool"
    ? { role: "tool", toolCallId: m.toolCallId ?? "", content: m.content }
    : m.role === "assistant"
      ? { role: "assistant", content: m.content, ...(m.toolCalls?.length ? { toolCalls: m.toolCalls } : {}) }
      : { role: "user", content: m.content };

/**
 * The earlier conversation as the model is given it: the last questions,
 * each with its tool calls, results and answer, whole turns only (a tool
 * result without the call it answers is refused by the providers).
 */
export async function conversationHistory(db: Db, conversationId: string): Promise<ChatTurn[]> {
  const cut = await db
    .select({ seq: aiMessages.seq })
    .from(aiMessages)
    .where(and(eq(aiMessages.conversationId, conversationId), eq(aiMessages.role, "user")))
    .orderBy(desc(aiMessages.seq))
    .limit(1)
    .offset(HISTORY_TURNS - 1)
    .get();
  const rows = await db
    .select()
    .from(aiMessages)
    .where(and(eq(aiMessages.conversationId, conversationId), cut ? gte(aiMessages.seq, cut.seq) : undefined))
    .orderBy(asc(aiMessages.seq));
  const turns: MessageRow[][] = [];
  for (const row of rows) {
    if (row.role === "user" || !turns.length) turns.push([]);
    turns.at(-1)!.push(row);
  }
  let chars = rows.reduce((n, r) => n + r.content.length, 0);
  while (turns.length > 1 && chars > HISTORY_CHARS) chars -= turns.shift()!.reduce((n, r) => n + r.content.length, 0);
  return turns.flat().map(toTurn);
}

/** The records the tools returned to the user in this conversation: the only ones an answer may cite. */
export async function returnedRecords(db: Db, conversationId: string): Promise<Map<string, AiCitation>> {
  const rows = await db
    .select({ citations: aiMessages.citations })
    .from(aiMessages)
    .where(and(eq(aiMessages.conversationId, conversationId), eq(aiMessages.role, "tool"), isNotNull(aiMessages.citations)))
    .orderBy(asc(aiMessages.seq));
  const records = new Map<string, AiCitation>();
  for (const row of rows) for (const c of row.citations ?? []) records.set(citationKey(c), c);
  return records;
}
