import type { AiCitation, AiPageContext, AiToolCall } from "../../../schema";
import type { AiActionView, AssistantStreamEvents } from "../../../schema/ai-api";
import { newId } from "../../platform/ids";
import type { SendEvent } from "../ai-event-stream";
import type { ChatModel, ChatTurn, ChatUsage } from "../providers/ai-provider";
import { estimateTokens } from "../providers/token-estimate";
import { assertWithinBudget, recordAiUsage } from "../usage/ai-usage";
import { citationFilter, citationKey, citationsIn, citationsOf } from "./assistant-citations";
import { appendMessages, conversationHistory, returnedRecords, type ConversationRow, type NewMessage } from "./assistant-conversations";
import { pageRecord, systemPrompt } from "./assistant-prompt";
import type { ToolScope } from "./assistant-tool-kit";
import { ASSISTANT_TOOL_SPECS, parsedArguments, runTool, type ToolOutcome } from "./assistant-tools";

/**
 * One question, answered as a stream. The model gets the system prompt, the
 * earlier conversation and the question; it may call tools for up to
 * MAX_TOOL_ROUNDS rounds, then answers without them. Each round is metered,
 * and a budget spent between rounds ends the answer with an `error` event.
 * Everything is stored as it happens (question, each round's calls with all
 * their results, the answer), so a failure midway leaves a conversation the
 * model can be given again.
 */

const MAX_TOOL_ROUNDS = 5;
const MAX_ANSWER_TOKENS = 1500;

type Send = SendEvent<AssistantStreamEvents>;

export interface Question {
  content: string;
  context: AiPageContext | null;
}

async function streamRound(scope: ToolScope, chat: ChatModel, messages: ChatTurn[], offerTools: boolean, allowed: Map<string, AiCitation>, send: Send, signal: AbortSignal) {
  const filter = citationFilter(allowed);
  const calls: AiToolCall[] = [];
  let usage: ChatUsage | null = null;
  let heard = "";
  try {
    for await (const event of chat.stream({ messages, tools: ASSISTANT_TOOL_SPECS, toolChoice: offerTools ? "auto" : "none", maxTokens: MAX_ANSWER_TOKENS, signal })) {
      if (event.type === "delta") {
        heard += event.text;
        const text = filter.push(event.text);
        if (text) await send("delta", { text });
      } else if (event.type === "tool_call") {
        // Our own ids: some providers number calls per answer, and ids must not repeat within a conversation.
        calls.push({ id: `call_${newId()}`, name: event.name, arguments: event.arguments });
      } else {
        usage = event.usage;
      }
    }
  } finally {
    // Tokens were spent even when the user stopped the answer or the provider dropped it: stopping never escapes the budget.
    usage ??= { inputTokens: estimateTokens(messages.map((m) => m.content).join("\n")), outputTokens: estimateTokens(heard) };
    const { orgId, actor, db } = scope;
    await recordAiUsage(db, { orgId, userId: actor.userId, feature: "assistant", provider: chat.provider, model: chat.model, ...usage });
  }
  const tail = filter.flush();
  if (tail) await send("delta", { text: tail });
  return { text: filter.text, calls };
}

export async function answerQuestion(scope: ToolScope, chat: ChatModel, conversation: ConversationRow, question: Question, send: Send, signal: AbortSignal) {
  const { db } = scope;
  const [history, allowed, page] = await Promise.all([
    conversationHistory(db, conversation.id),
    returnedRecords(db, conversation.id),
    pageRecord(scope, question.context),
  ]);
  const [stored] = await appendMessages(db, conversation, [{ role: "user", content: question.content, context: question.context }]);
  await send("message", stored!);

  const messages: ChatTurn[] = [
    { role: "system", content: systemPrompt({ role: scope.actor.role, timeZone: scope.timeZone, now: Date.now(), context: question.context, page }) },
    ...history,
    { role: "user", content: question.content },
  ];
  const actions: AiActionView[] = [];

  /** Runs a round's calls, tells the user about each, and stores the round with all its results at once. */
  const runCalls = async (text: string, calls: AiToolCall[], preset?: Map<string, ToolOutcome>) => {
    const results: NewMessage[] = [];
    for (const call of calls) {
      await send("tool_call", { id: call.id, name: call.name, arguments: parsedArguments(call.arguments) });
      const outcome = preset?.get(call.id) ?? (await runTool(scope, call));
      await send("tool_result", { id: call.id, name: call.name, citations: outcome.citations, ...(outcome.error ? { error: outcome.error } : {}) });
      if (outcome.action) {
        actions.push(outcome.action);
        await send("action", outcome.action);
      }
      for (const c of outcome.citations) allowed.set(citationKey(c), c);
      results.push({ role: "tool", toolCallId: call.id, content: outcome.content, citations: outcome.citations });
    }
    await appendMessages(db, conversation, [{ role: "assistant", content: text, toolCalls: calls }, ...results]);
    messages.push({ role: "assistant", content: text, toolCalls: calls });
    for (const r of results) if (r.role === "tool") messages.push({ role: "tool", toolCallId: r.toolCallId, content: r.content });
  };

  // The page's record is given as if the model had read it itself, so its text stays in a tool result.
  if (page) {
    const call = { id: `call_${newId()}`, name: "get_record", arguments: JSON.stringify({ type: page.type, id: page.id }) };
    await runCalls("", [call], new Map([[call.id, { content: JSON.stringify({ data: page.view }), citations: citationsOf(page.view) }]]));
  }

  for (let round = 0; ; round++) {
    if (round > 0) await assertWithinBudget(scope.env, db, scope.orgId, "chat");
    const offerTools = round < MAX_TOOL_ROUNDS;
    const { text, calls } = await streamRound(scope, chat, messages, offerTools, allowed, send, signal);
    if (offerTools && calls.length) {
      await runCalls(text, calls);
      continue;
    }
    const content = text.trim();
    const citations = citationsIn(content, allowed);
    const [message] = await appendMessages(db, conversation, [{ role: "assistant", content, citations }]);
    await send("done", { message: message!, citations, actions });
    return;
  }
}
