import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { actorOf } from "../../platform/records";
import { AriConfig, ThreeCxConfig, TwilioConfig } from "./provider-config";
import { testProvider } from "./provider-test";
import {
  createProvider,
  deleteProvider,
  listProviders,
  providerView,
  requireProvider,
  rotateWebhookSecret,
  updateProvider,
} from "./providers";
import { PROVIDER_TYPES } from "../../../schema";

const tags = ["Telephony"];
const security = [{ bearerAuth: [] }];

function scope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, actor: actorOf(auth, c.get("requestId")) };
}

export const ProviderSchema = z
  .object({
    id: z.string(),
    type: z.enum(PROVIDER_TYPES),
    name: z.string(),
    enabled: z.boolean(),
    defaultQueueId: z.string().nullable(),
    config: z.record(z.string(), z.unknown()).openapi({ description: "The non-secret settings" }),
    credentials: z
      .record(z.string(), z.object({ set: z.boolean(), last4: z.string().optional() }))
      .openapi({ description: "Which secret fields are set; identifiers show their last 4 characters. Secrets are never answered." }),
    lastTest: z.object({ status: z.enum(["ok", "error"]).nullable(), message: z.string().nullable(), at: z.number().int() }).nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("TelephonyProvider");

const common = {
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().optional(),
  defaultQueueId: z.string().min(1).max(64).nullable().optional(),
};

const CreateBody = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("twilio"), config: TwilioConfig, ...common }).strict(),
    z.object({ type: z.literal("asterisk"), config: AriConfig, ...common }).strict(),
    z.object({ type: z.literal("freepbx"), config: AriConfig, ...common }).strict(),
    z.object({ type: z.literal("3cx"), config: ThreeCxConfig.default({}), ...common }).strict(),
  ])
  .openapi("TelephonyProviderInput");

const UpdateBody = z
  .object({
    name: common.name.optional(),
    enabled: common.enabled,
    defaultQueueId: common.defaultQueueId,
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({
        description:
          "Fields to change; secrets left out keep their saved values, except that a new URL (apiBaseUrl, baseUrl, holdMusicUrl, pbxUrl) needs every secret again; null removes an optional field (its default applies)",
      }),
  })
  .strict();

const TestResultSchema = z
  .object({
    ok: z.boolean(),
    message: z.string().openapi({ description: "Success, or a summary of the failure (status, the vendor's documented error code and message)" }),
    httpStatus: z.number().int().optional(),
    providerCode: z.union([z.string(), z.number()]).optional(),
    testedAt: z.number().int(),
  })
  .openapi("TelephonyProviderTest");


const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security, middleware: [requirePermission("telephony:manage")] as const,
    summary: "Telephony providers (credentials redacted)",
    responses: { 200: jsonResponse(envelope(z.array(ProviderSchema)), "Providers"), ...standardErrors },
  }),
  create: createRoute({
    method: "post", path: "/", tags, security, middleware: [requirePermission("telephony:providers")] as const,
    summary: "Add a provider: twilio, asterisk, freepbx or 3cx",
    description: "Credentials are encrypted at rest and never answered again. The answer carries `webhookSecret` this once: PBXs and 3CX present it when they call NeuraCRM.",
    request: jsonBody(CreateBody),
    responses: { 201: jsonResponse(envelope(ProviderSchema.extend({ webhookSecret: z.string() })), "Created"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/{id}", tags, security, middleware: [requirePermission("telephony:manage")] as const,
    summary: "One provider (credentials redacted)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(ProviderSchema), "Provider"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch", path: "/{id}", tags, security, middleware: [requirePermission("telephony:providers")] as const,
    summary: "Change a provider; config fields merge over the saved ones",
    request: { params: IdParam, ...jsonBody(UpdateBody) },
    responses: { 200: jsonResponse(envelope(ProviderSchema), "Updated"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete", path: "/{id}", tags, security, middleware: [requirePermission("telephony:providers")] as const,
    summary: "Remove a provider and its extensions (its calls stay)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
  test: createRoute({
    method: "post", path: "/{id}/test", tags, security, middleware: [requirePermission("telephony:providers")] as const,
    summary: "Test the connection: one authenticated request to the provider's API",
    description: "Owners and admins. Twilio: GET /2010-04-01/Accounts/{AccountSid}.json. Asterisk/FreePBX: GET {baseUrl}/ari/asterisk/info. `ok: false` carries a summary: the HTTP status and, when the vendor answered its documented JSON error, its code and message; nothing else the server sent is repeated.",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(TestResultSchema), "Outcome"), ...standardErrors },
  }),
  rotateSecret: createRoute({
    method: "post", path: "/{id}/webhook-secret", tags, security, middleware: [requirePermission("telephony:providers")] as const,
    summary: "Replace the webhook secret PBXs and 3CX present; answers the new one, this once",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.object({ webhookSecret: z.string() })), "New secret"), ...standardErrors },
  }),
};

export const telephonyProviderRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, orgId } = scope(c);
    return ok(c, await listProviders(c.env, db, orgId), { status: 200 });
  })
  .openapi(routes.create, async (c) => {
    const { db, orgId, actor } = scope(c);
    return ok(c, await createProvider(c.env, db, orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId } = scope(c);
    return ok(c, await providerView(c.env, await requireProvider(db, orgId, c.req.valid("param").id)), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = scope(c);
    return ok(c, await updateProvider(c.env, db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = scope(c);
    await deleteProvider(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Provider deleted" });
  })
  .openapi(routes.test, async (c) => {
    const { db, orgId } = scope(c);
    return ok(c, await testProvider(c.env, db, orgId, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.rotateSecret, async (c) => {
    const { db, orgId, actor } = scope(c);
    return ok(c, await rotateWebhookSecret(c.env, db, orgId, actor, c.req.valid("param").id), { status: 200 });
  });
