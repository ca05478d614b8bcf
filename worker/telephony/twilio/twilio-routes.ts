import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { createRouter, envelope, ErrorSchema, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { clickToCall, holdCall, transferCall } from "./twilio-calls";
import { voiceToken } from "./twilio-token";
import { CallSchema, telephonyScope } from "../call-routes";
import { twilioHook } from "./twilio-webhook-routes";

const tags = ["Telephony: Twilio"];
const security = [{ bearerAuth: [] }];

const TokenBody = z.object({ providerId: z.string().min(1).max(64).optional() }).strict();
const TokenSchema = z
  .object({
    token: z.string().openapi({ description: "Access Token (JWT) for @twilio/voice-sdk's Device" }),
    identity: z.string().openapi({ description: "The agent's Client identity (incoming calls ring it)" }),
    expiresAt: z.number().int().openapi({ description: "Epoch ms; refresh before (Device `tokenWillExpire`)" }),
    providerId: z.string(),
  })
  .openapi("TwilioVoiceToken");

const OutboundBody = z
  .object({
    to: z.string().trim().min(3).max(40).openapi({ description: "The number to call; read in the organization's country unless +<country code>" }),
    providerId: z.string().min(1).max(64).optional(),
    contactId: z.string().max(64).optional(),
    leadId: z.string().max(64).optional(),
    dealId: z.string().max(64).optional(),
  })
  .strict();

const HoldBody = z.object({ hold: z.boolean() }).strict();
const TransferBody = z
  .object({ toUserId: z.string().min(1).max(64).optional(), toQueueId: z.string().min(1).max(64).optional() })
  .strict()
  .refine((b) => (b.toUserId ? 1 : 0) + (b.toQueueId ? 1 : 0) === 1, { message: "Send exactly one of toUserId or toQueueId" });

const errorResponse = (description: string) => jsonResponse(ErrorSchema, description);
const notConfigured = { 409: errorResponse("`not_configured`: the organization has no enabled Twilio provider (or no number to call from); `conflict`: Twilio refused") };
const callResponse = { 200: jsonResponse(envelope(CallSchema), "The call"), ...standardErrors, 409: errorResponse("`conflict`: the call has ended, is internal, its customer has not answered, or it is not (or already) on hold; or Twilio refused") };

const routes = {
  token: createRoute({
    method: "post", path: "/token", tags, security, middleware: [requirePermission("telephony:work")] as const,
    summary: "An Access Token (1 h) with a Voice grant for the signed-in agent's browser softphone",
    request: { body: { content: { "application/json": { schema: TokenBody } }, required: false } },
    responses: { 200: jsonResponse(envelope(TokenSchema), "Token"), ...standardErrors, ...notConfigured },
  }),
  call: createRoute({
    method: "post", path: "/calls", tags, security, middleware: [requirePermission("telephony:work")] as const,
    summary: "Click-to-call through Twilio's REST API: rings the agent's browser, then dials `to`",
    request: jsonBody(OutboundBody),
    responses: { 201: jsonResponse(envelope(CallSchema), "The call, initiated"), ...standardErrors, ...notConfigured },
  }),
  hold: createRoute({
    method: "post", path: "/calls/{id}/hold", tags, security, middleware: [requirePermission("telephony:work")] as const,
    summary: "Put an answered call's customer on hold (hold music) or take them back (the agent's browser rings with resume=1)",
    description: "Acts on the customer's leg: the inbound caller's call, or the leg an outbound call dialled (`POST /Calls/{sid}` with new TwiML).",
    request: { params: IdParam, ...jsonBody(HoldBody) },
    responses: callResponse,
  }),
  transfer: createRoute({
    method: "post", path: "/calls/{id}/transfer", tags, security, middleware: [requirePermission("telephony:work")] as const,
    summary: "Transfer a call's customer (inbound or outbound) to another agent's browser or into a queue",
    request: { params: IdParam, ...jsonBody(TransferBody) },
    responses: callResponse,
  }),
};

const hookOf = (c: Context<AppEnv>) => {
  const origin = new URL(c.req.url).origin;
  return (providerId: string, path: string, query?: Record<string, string>) => twilioHook(origin, providerId, path, query);
};

export const telephonyTwilioRoutes = createRouter()
  .openapi(routes.token, async (c) => {
    const { db, orgId, actor } = telephonyScope(c);
    const body = (c.req.valid("json") ?? {}) as z.infer<typeof TokenBody>;
    return ok(c, await voiceToken(c.env, db, orgId, actor.userId, body.providerId), { status: 200 });
  })
  .openapi(routes.call, async (c) => {
    const { db, orgId, actor } = telephonyScope(c);
    return ok(c, await clickToCall(c.env, db, orgId, actor, hookOf(c), c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.hold, async (c) => {
    const { db, orgId, actor } = telephonyScope(c);
    return ok(c, await holdCall(c.env, db, orgId, actor, hookOf(c), c.req.valid("param").id, c.req.valid("json").hold), { status: 200 });
  })
  .openapi(routes.transfer, async (c) => {
    const { db, orgId, actor } = telephonyScope(c);
    return ok(c, await transferCall(c.env, db, orgId, actor, hookOf(c), c.req.valid("param").id, c.req.valid("json")), { status: 200 });
  });
