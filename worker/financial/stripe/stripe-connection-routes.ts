import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { actorOf } from "../../platform/records";
import {
  connectionView,
  createConnection,
  deleteConnection,
  listConnections,
  requireConnection,
  SECRET_KEY_PATTERN,
  updateConnection,
  WEBHOOK_SECRET_PATTERN,
  webhookUrlOf,
} from "./stripe-connections";
import { testConnection } from "./stripe-connection-test";

const tags = ["Stripe"];
const security = [{ bearerAuth: [] }];

function scope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, actor: actorOf(auth, c.get("requestId")), origin: new URL(c.req.url).origin };
}

const SecretKey = z.string().trim().regex(SECRET_KEY_PATTERN, "A Stripe secret or restricted key: sk_test_…, sk_live_…, rk_test_… or rk_live_…");
const WebhookSecret = z.string().trim().regex(WEBHOOK_SECRET_PATTERN, "The webhook endpoint's signing secret: whsec_…");
const ApiBase = z.string().trim().url().max(300);

const ConnectionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    livemode: z.boolean().openapi({ description: "From the key's prefix (sk_live_ / sk_test_)" }),
    keyLast4: z.string(),
    accountId: z.string().nullable().openapi({ description: "Stripe's account id, from the last successful test" }),
    apiBaseUrl: z.string().nullable(),
    lastTest: z.object({ status: z.enum(["ok", "error"]).nullable(), message: z.string().nullable(), at: z.number().int() }).nullable(),
    lastEventAt: z.number().int().nullable(),
    webhookUrl: z.string().openapi({ description: "Add this endpoint in Stripe (Developers → Webhooks) with the events in webhookEvents" }),
    webhookEvents: z.array(z.string()),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("StripeConnection");

const CreateBody = z
  .object({ name: z.string().trim().min(1).max(100).optional(), secretKey: SecretKey, webhookSecret: WebhookSecret, apiBaseUrl: ApiBase.optional() })
  .strict()
  .openapi("StripeConnectionInput");

const UpdateBody = z
  .object({ name: z.string().trim().min(1).max(100).optional(), enabled: z.boolean().optional(), secretKey: SecretKey.optional(), webhookSecret: WebhookSecret.optional(), apiBaseUrl: ApiBase.nullable().optional() })
  .strict();

const TestSchema = z.object({ ok: z.boolean(), message: z.string(), accountId: z.string().nullable(), testedAt: z.number().int(), connection: ConnectionSchema }).openapi("StripeConnectionTest");

const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security, middleware: [requirePermission("billing:manage")] as const,
    summary: "The organization's Stripe connections (secrets never shown)",
    responses: { 200: jsonResponse(envelope(z.array(ConnectionSchema)), "Connections, newest first; the newest enabled one makes pay links"), ...standardErrors },
  }),
  create: createRoute({
    method: "post", path: "/", tags, security, middleware: [requirePermission("billing:manage")] as const,
    summary: "Connect a Stripe account",
    description: "Saves the secret key and the webhook signing secret sealed (AES-GCM); neither is answered again. Saving calls nobody: use the test route. Add `webhookUrl` as a webhook endpoint in Stripe.",
    request: jsonBody(CreateBody),
    responses: { 201: jsonResponse(envelope(ConnectionSchema), "Connected"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/{id}", tags, security, middleware: [requirePermission("billing:manage")] as const,
    summary: "One Stripe connection",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(ConnectionSchema), "Connection"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch", path: "/{id}", tags, security, middleware: [requirePermission("billing:manage")] as const,
    summary: "Rename, enable or disable, or rotate keys",
    description: "Secrets left out keep their saved values. A new apiBaseUrl needs secretKey in the same request.",
    request: { params: IdParam, ...jsonBody(UpdateBody) },
    responses: { 200: jsonResponse(envelope(ConnectionSchema), "Updated"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete", path: "/{id}", tags, security, middleware: [requirePermission("billing:manage")] as const,
    summary: "Disconnect (payments already recorded stay)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
  test: createRoute({
    method: "post", path: "/{id}/test", tags, security, middleware: [requirePermission("billing:manage")] as const,
    summary: "Test the connection: reads the account from Stripe with the saved key",
    description: "Rate-limited per connection. `ok: false` carries Stripe's error message (keys are masked by Stripe).",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(TestSchema), "Outcome"), 429: jsonResponse(z.unknown(), "Too many tests"), ...standardErrors },
  }),
};

export const stripeConnectionRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, orgId, origin } = scope(c);
    return ok(c, (await listConnections(db, orgId)).map((row) => connectionView(row, origin)), { status: 200 });
  })
  .openapi(routes.create, async (c) => {
    const { db, orgId, actor, origin } = scope(c);
    const row = await createConnection(c.env, db, orgId, actor, c.req.valid("json"));
    return ok(c, { ...connectionView(row, origin), webhookUrl: webhookUrlOf(origin, row.id) }, { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId, origin } = scope(c);
    return ok(c, connectionView(await requireConnection(db, orgId, c.req.valid("param").id), origin), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor, origin } = scope(c);
    return ok(c, connectionView(await updateConnection(c.env, db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), origin), { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = scope(c);
    await deleteConnection(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200 });
  })
  .openapi(routes.test, async (c) => {
    const { db, orgId, origin } = scope(c);
    const { result, row } = await testConnection(c.env, db, orgId, c.req.valid("param").id);
    return ok(c, { ...result, connection: connectionView(row, origin) }, { status: 200 });
  });
