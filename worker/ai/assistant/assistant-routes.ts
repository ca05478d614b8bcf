import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AssistantStreamEvents } from "../../../schema/ai-api";
import { rateLimitedResponse } from "../../platform/abuse-limits";
import { requirePermission } from "../../platform/auth-middleware";
import { orgDb } from "../../platform/db";
import type { AppEnv } from "../../platform/env";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import { orgTimeZone } from "../../platform/local-time";
import { actorOf } from "../../platform/records";
import { aiEventStream } from "../ai-event-stream";
import { requireChat, resolveAi } from "../providers/ai-config";
import { admitAiRequest } from "../usage/ai-usage";
import { conversationActions, confirmAction, dismissAction } from "./assistant-actions";
import { conversationMessages, conversationSummary, createConversation, deleteConversation, listConversations, requireOwnConversation } from "./assistant-conversations";
import { ActionParams, ActionSchema, ConversationDetailSchema, ConversationSchema, NewConversationBody, QuestionBody } from "./assistant-schemas";
import { answerQuestion } from "./assistant-turn";

const tags = ["AI assistant"];
const security = [{ bearerAuth: [] }];

function scope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, actor: actorOf(auth, c.get("requestId")) };
}

const conflictResponse = (description: string) => ({ 409: jsonResponse(z.any(), description) });

const routes = {
  create: createRoute({
    method: "post", path: "/", tags, security, middleware: [requirePermission("ai:use")] as const,
    summary: "Start a conversation with the assistant",
    description: "Only you list, replay and continue it. Without a title, your first question titles it.",
    request: jsonBody(NewConversationBody),
    responses: { 201: jsonResponse(envelope(ConversationSchema), "Created"), ...standardErrors },
  }),
  list: createRoute({
    method: "get", path: "/", tags, security, middleware: [requirePermission("ai:use")] as const,
    summary: "Your conversations, most recently active first",
    description: "Only your own; other members' conversations are never listed.",
    request: { query: z.object(paginationQuery) },
    responses: { 200: jsonResponse(listEnvelope(ConversationSchema), "Conversations"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/{id}", tags, security, middleware: [requirePermission("ai:use")] as const,
    summary: "Replay one of your conversations: questions, answers with citations, and proposed actions",
    description: "Tool results are not included (their data went to the model only). Anyone else's conversation answers 404.",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(ConversationDetailSchema), "Conversation"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete", path: "/{id}", tags, security, middleware: [requirePermission("ai:use")] as const,
    summary: "Delete one of your conversations with its messages and proposals",
    description: "Changes already confirmed stay; proposals not yet confirmed are gone.",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
  ask: createRoute({
    method: "post", path: "/{id}/messages", tags, security, middleware: [requirePermission("ai:use")] as const,
    summary: "Ask the assistant; the answer streams as server-sent events",
    description:
      "Events (`event:` name, `data:` JSON; contract AssistantStreamEvents in schema/ai-api.ts): `message` (your question as stored), " +
      "`delta` (answer text), `tool_call` and `tool_result` (each tool the model used, with the records it found as citations), " +
      "`action` (a change the assistant proposed: nothing happens until you confirm it), then `done` (the whole answer with its citations) or `error`. " +
      "Tools read only what you may see. Refused before the stream opens: 404 for a conversation that is not yours, " +
      "409 `not_configured` when no model is set up (with what to set), 429 when the rate limit or the monthly budget is spent.",
    request: { params: IdParam, ...jsonBody(QuestionBody) },
    responses: {
      200: { content: { "text/event-stream": { schema: z.string() } }, description: "The answer as server-sent events" },
      ...conflictResponse("AI is not configured (`not_configured`)"),
      429: rateLimitedResponse,
      ...standardErrors,
    },
  }),
  confirm: createRoute({
    method: "post", path: "/{id}/actions/{actionId}/confirm", tags, security, middleware: [requirePermission("ai:use")] as const,
    summary: "Run a change the assistant proposed",
    description:
      "Runs once, through the same service as the REST route that makes the change by hand, with your role's permissions (403 when your role may not, changing nothing) and its audit row. " +
      "409 when the proposal was already confirmed, dismissed or failed; a proposal the service refuses is marked failed.",
    request: { params: ActionParams },
    responses: { 200: jsonResponse(envelope(ActionSchema), "Confirmed: `result` names what was made"), ...conflictResponse("Already settled"), ...standardErrors },
  }),
  dismiss: createRoute({
    method: "post", path: "/{id}/actions/{actionId}/dismiss", tags, security, middleware: [requirePermission("ai:use")] as const,
    summary: "Dismiss a change the assistant proposed",
    request: { params: ActionParams },
    responses: { 200: jsonResponse(envelope(ActionSchema), "Dismissed"), ...conflictResponse("Already settled"), ...standardErrors },
  }),
};

export const aiAssistantRoutes = createRouter()
  .openapi(routes.create, async (c) => {
    const { db, actor } = scope(c);
    return ok(c, await createConversation(db, actor, c.req.valid("json").title), { status: 201 });
  })
  .openapi(routes.list, async (c) => {
    const { db, actor } = scope(c);
    const { page, per_page } = c.req.valid("query");
    const { rows, total } = await listConversations(db, actor, page, per_page);
    return ok(c, rows, { status: 200, meta: metaOf(page, per_page, total) });
  })
  .openapi(routes.get, async (c) => {
    const { db, actor } = scope(c);
    const conversation = await requireOwnConversation(db, actor, c.req.valid("param").id);
    const [messages, actions] = await Promise.all([conversationMessages(db, conversation.id), conversationActions(db, conversation.id)]);
    return ok(c, { ...conversationSummary(conversation), messages, actions }, { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { db, actor } = scope(c);
    await deleteConversation(db, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Conversation deleted" });
  })
  .openapi(routes.ask, async (c) => {
    const { db, orgId, actor } = scope(c);
    // Independent reads at once: each is a database round trip before the first token.
    const [conversation, resolved, timeZone] = await Promise.all([
      requireOwnConversation(db, actor, c.req.valid("param").id),
      resolveAi(c.env, db, orgId),
      orgTimeZone(db, orgId),
    ]);
    const chat = requireChat(resolved);
    await admitAiRequest(c.env, db, { orgId, userId: actor.userId }, "chat");
    const { content, context } = c.req.valid("json");
    const tools = { env: c.env, db, orgId, actor, timeZone, conversationId: conversation.id };
    return aiEventStream<AssistantStreamEvents>(c, (send, signal) => answerQuestion(tools, chat, conversation, { content, context: context ?? null }, send, signal));
  })
  .openapi(routes.confirm, async (c) => {
    const { db, actor } = scope(c);
    const { id, actionId } = c.req.valid("param");
    return ok(c, await confirmAction(c.env, db, actor, id, actionId), { status: 200 });
  })
  .openapi(routes.dismiss, async (c) => {
    const { db, actor } = scope(c);
    const { id, actionId } = c.req.valid("param");
    return ok(c, await dismissAction(db, actor, id, actionId), { status: 200 });
  });
