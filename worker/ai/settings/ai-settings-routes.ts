import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { allows } from "../../platform/permissions";
import { actorOf } from "../../platform/records";
import { rateLimitedResponse } from "../../platform/abuse-limits";
import { AI_PROVIDERS } from "../../../schema";
import { resolveAi, SETUP_HINT, requireChat } from "../providers/ai-config";
import { completeChat } from "../providers/ai-provider";
import { admitAiRequest, recordAiUsage } from "../usage/ai-usage";
import { usageReport } from "../usage/ai-usage-report";
import { getAiSettings, updateAiSettings } from "./ai-settings";

const tags = ["AI"];
const security = [{ bearerAuth: [] }];

function scope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, auth, actor: actorOf(auth, c.get("requestId")) };
}

const RouteSchema = z
  .object({
    provider: z.enum(AI_PROVIDERS),
    model: z.string(),
    source: z.enum(["organization", "server"]).openapi({ description: "The organization's own key, or the server's" }),
  })
  .nullable();

const StatusSchema = z
  .object({
    chat: RouteSchema.openapi({ description: "Who answers the assistant, drafts and summaries; null = not configured" }),
    transcription: RouteSchema.openapi({ description: "Who transcribes call recordings; null = not configured" }),
    transcriptionEnabled: z.boolean().openapi({ description: "The organization's setting: transcribe call recordings" }),
    setup: z.string().nullable().openapi({ description: "What to set to turn AI on, when it is off" }),
    canManage: z.boolean().openapi({ description: "Whether you may change the organization's AI settings" }),
  })
  .openapi("AiStatus");

const SettingsSchema = z
  .object({
    baseUrl: z.string().nullable(),
    key: z.object({ set: z.boolean(), last4: z.string().nullable() }).openapi({ description: "Whether a key is saved; the key itself is never answered" }),
    chatModel: z.string().nullable(),
    transcribeModel: z.string().nullable(),
    transcriptionEnabled: z.boolean(),
    monthlyTokenBudget: z.number().int().nullable(),
    monthlyAudioSecondsBudget: z.number().int().nullable(),
    updatedAt: z.number().int().nullable(),
  })
  .openapi("AiSettings");

const Model = z.string().trim().min(1).max(200).regex(/^[\w@./:+-]+$/, "Letters, digits and @ . / : + - _");
const SettingsInput = z
  .object({
    apiKey: z.string().trim().min(8).max(500).nullable().optional().openapi({ description: "Your OpenAI-compatible API key; null removes it. Never answered again." }),
    baseUrl: z
      .url({ protocol: /^https?$/, message: "An http(s) URL" })
      .max(500)
      .nullable()
      .optional()
      .openapi({ description: "OpenAI-compatible base URL (e.g. https://api.openai.com/v1, an AI Gateway or Ollama URL); must be a public https address. Changing it needs the key again." }),
    chatModel: Model.nullable().optional(),
    transcribeModel: Model.nullable().optional(),
    transcriptionEnabled: z.boolean().optional(),
    monthlyTokenBudget: z.number().int().min(0).max(1_000_000_000).nullable().optional(),
    monthlyAudioSecondsBudget: z.number().int().min(0).max(100_000_000).nullable().optional(),
  })
  .strict()
  .openapi("AiSettingsInput");

const Sums = { inputTokens: z.number(), outputTokens: z.number(), audioSeconds: z.number(), requests: z.number() };
const UsageSchema = z
  .object({
    month: z.string().openapi({ example: "2026-12", description: "Calendar month (UTC)" }),
    resetsAt: z.number().int(),
    budgets: z.object({ monthlyTokens: z.number(), monthlyAudioSeconds: z.number(), userRequestsPerMinute: z.number() }),
    totals: z.object({ ...Sums, tokens: z.number() }),
    byUser: z.array(z.object({ userId: z.string().nullable(), name: z.string(), email: z.string().nullable(), ...Sums })),
    byFeature: z.array(z.object({ feature: z.string(), ...Sums })),
  })
  .openapi("AiUsage");

const TestSchema = z.object({ ok: z.literal(true), provider: z.enum(AI_PROVIDERS), model: z.string(), reply: z.string() }).openapi("AiConnectionTest");

const routes = {
  status: createRoute({
    method: "get", path: "/status", tags, security, middleware: [requirePermission("ai:use")] as const,
    summary: "Which provider and model serve each AI capability for your organization",
    responses: { 200: jsonResponse(envelope(StatusSchema), "Status"), ...standardErrors },
  }),
  settings: createRoute({
    method: "get", path: "/settings", tags, security, middleware: [requirePermission("ai:manage")] as const,
    summary: "The organization's AI settings (key redacted)",
    responses: { 200: jsonResponse(envelope(SettingsSchema), "Settings"), ...standardErrors },
  }),
  update: createRoute({
    method: "put", path: "/settings", tags, security, middleware: [requirePermission("ai:manage")] as const,
    summary: "Bring your own key and base URL, choose models, budgets and transcription",
    description: "Owners and admins. Fields left out keep their values; null clears one. The key is sealed and never answered. A base URL must pass the outbound-fetch guard (public https).",
    request: jsonBody(SettingsInput),
    responses: { 200: jsonResponse(envelope(SettingsSchema), "Saved"), 422: jsonResponse(z.any(), "The base URL is not one the Worker may contact (`outbound_blocked`)"), ...standardErrors },
  }),
  test: createRoute({
    method: "post", path: "/settings/test", tags, security, middleware: [requirePermission("ai:manage")] as const,
    summary: "Ask the configured chat model for a one-word reply",
    description: "Metered like any request. 409 `not_configured` when no model is set up; 502 `provider_error` with the provider's answer when it refuses.",
    responses: { 200: jsonResponse(envelope(TestSchema), "The model answered"), 409: jsonResponse(z.any(), "Not configured"), 429: rateLimitedResponse, ...standardErrors },
  }),
  usage: createRoute({
    method: "get", path: "/usage", tags, security, middleware: [requirePermission("ai:manage")] as const,
    summary: "This month's AI usage by member and feature, against the budgets",
    responses: { 200: jsonResponse(envelope(UsageSchema), "Usage"), ...standardErrors },
  }),
};

export const aiSettingsRoutes = createRouter()
  .openapi(routes.status, async (c) => {
    const { db, orgId, auth } = scope(c);
    const resolved = await resolveAi(c.env, db, orgId);
    const off = !resolved.routes.chat && !resolved.routes.transcription;
    return ok(c, {
      chat: resolved.routes.chat,
      transcription: resolved.routes.transcription,
      transcriptionEnabled: resolved.transcriptionEnabled,
      setup: off ? SETUP_HINT : null,
      canManage: allows(auth, "ai:manage"),
    }, { status: 200 });
  })
  .openapi(routes.settings, async (c) => {
    const { db, orgId } = scope(c);
    return ok(c, await getAiSettings(db, orgId), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = scope(c);
    return ok(c, await updateAiSettings(c.env, db, orgId, actor, c.req.valid("json")), { status: 200 });
  })
  .openapi(routes.test, async (c) => {
    const { db, orgId, auth } = scope(c);
    const chat = requireChat(await resolveAi(c.env, db, orgId));
    await admitAiRequest(c.env, db, { orgId, userId: auth.userId }, "chat");
    const answer = await completeChat(chat, { messages: [{ role: "user", content: "Reply with the single word: ready" }], maxTokens: 5 });
    await recordAiUsage(db, { orgId, userId: auth.userId, feature: "assistant", provider: chat.provider, model: chat.model, ...answer.usage });
    return ok(c, { ok: true as const, provider: chat.provider, model: chat.model, reply: answer.text.slice(0, 200) }, { status: 200 });
  })
  .openapi(routes.usage, async (c) => {
    const { db, orgId } = scope(c);
    return ok(c, await usageReport(c.env, db, orgId), { status: 200 });
  });
