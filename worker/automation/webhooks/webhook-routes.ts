import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { actorOf } from "../../platform/records";
import { DOMAIN_EVENT_TYPES, WEBHOOK_DELIVERY_STATUSES } from "../../../schema";
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, rotateSecret, updateEndpoint } from "./webhook-endpoints";
import { getDelivery, listDeliveries, replayDelivery, sendTestMessage } from "./webhook-delivery-log";

const tags = ["Automation: webhooks"];
const security = [{ bearerAuth: [] }];

const Stats = z.object({
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  successRate: z.number().nullable(),
  lastDeliveryAt: z.number().int().nullable(),
});

export const WebhookEndpointSchema = z
  .object({
    id: z.string(),
    source: z.enum(["endpoint", "rest_hook"]),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabledReason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
    stats: Stats,
  })
  .openapi("WebhookEndpoint");

const WithSecret = z
  .object({
    endpoint: WebhookEndpointSchema,
    secret: z.string().openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", description: "The signing secret: shown in this answer only" }),
  })
  .openapi("WebhookEndpointWithSecret");

const DeliverySchema = z
  .object({
    id: z.string(),
    messageId: z.string().openapi({ description: "The `webhook-id` header: a replay keeps the id of the message it replays" }),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.number().int().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    replayOf: z.string().nullable(),
    createdAt: z.number().int(),
    finishedAt: z.number().int().nullable(),
  })
  .openapi("WebhookDelivery");

const AttemptSchema = z.object({
  id: z.string(),
  attempt: z.number().int(),
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
  responseBody: z.string().nullable(),
  createdAt: z.number().int(),
});

const DeliveryDetail = DeliverySchema.extend({
  payload: z.string().openapi({ description: "The exact JSON body signed and sent" }),
  headers: z.record(z.string(), z.string()),
  attemptLog: z.array(AttemptSchema),
}).openapi("WebhookDeliveryDetail");

const EventName = z.string().trim().min(1).max(64).openapi({ example: "deal.updated" });
const Fields = {
  url: z.string().trim().min(1).max(2000).openapi({ example: "https://hooks.example.com/neuracrm", description: "https, to a public host" }),
  events: z.array(EventName).min(1).max(DOMAIN_EVENT_TYPES.length + 1).openapi({ description: `Event names, or \`*\` for all: ${DOMAIN_EVENT_TYPES.join(", ")}` }),
  description: z.string().trim().max(500).nullable(),
  enabled: z.boolean(),
};
const CreateEndpoint = z.object(Fields).partial().required({ url: true, events: true }).strict().openapi("WebhookEndpointCreate");
const UpdateEndpoint = z.object(Fields).partial().strict().openapi("WebhookEndpointUpdate");
const unprocessable = { 422: jsonResponse(z.any(), "A URL the outbound guard refuses (`outbound_blocked`); an unknown event name is a 400 `validation_error` listing them") };

const routes = {
  list: createRoute({
    method: "get", path: "/endpoints", tags, security, summary: "Webhook endpoints, with delivery counts and success rate",
    middleware: [requirePermission("webhooks:manage")] as const,
    responses: { 200: jsonResponse(envelope(z.array(WebhookEndpointSchema)), "Endpoints"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/endpoints/{id}", tags, security, summary: "One webhook endpoint (never its secret)",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(WebhookEndpointSchema), "Endpoint"), ...standardErrors },
  }),
  create: createRoute({
    method: "post", path: "/endpoints", tags, security, summary: "Add an endpoint; the answer carries its signing secret, once",
    description: "Messages follow the Standard Webhooks specification: headers `webhook-id`, `webhook-timestamp`, `webhook-signature` (verify with the `standardwebhooks` package and the `secret`), body `{type, timestamp, data: {object, previous?, changed?, context?}}` with the record in its REST shape.",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: jsonBody(CreateEndpoint),
    responses: { 201: jsonResponse(envelope(WithSecret), "Created, with the secret"), ...unprocessable, ...standardErrors },
  }),
  update: createRoute({
    method: "patch", path: "/endpoints/{id}", tags, security, summary: "Change an endpoint's URL, events, description, or switch it on or off",
    description: "Switching it on clears `disabledReason` (set when the receiver answered 410).",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: { params: IdParam, ...jsonBody(UpdateEndpoint) },
    responses: { 200: jsonResponse(envelope(WebhookEndpointSchema), "Updated"), ...unprocessable, ...standardErrors },
  }),
  remove: createRoute({
    method: "delete", path: "/endpoints/{id}", tags, security, summary: "Delete an endpoint and its delivery log",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.object({ id: z.string() })), "Deleted"), ...standardErrors },
  }),
  rotate: createRoute({
    method: "post", path: "/endpoints/{id}/rotate-secret", tags, security, summary: "Replace the signing secret; the answer carries the new one, once",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(WithSecret), "The new secret"), ...standardErrors },
  }),
  test: createRoute({
    method: "post", path: "/endpoints/{id}/test", tags, security, summary: "Send a signed `webhook.test` message now and answer how the receiver replied",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: { params: IdParam },
    responses: {
      200: jsonResponse(envelope(z.object({ delivery: DeliverySchema, outcome: z.object({ ok: z.boolean(), statusCode: z.number().int().nullable(), durationMs: z.number().int(), error: z.string().nullable(), responseBody: z.string().nullable() }) })), "Sent (`outcome.ok` says whether it arrived)"),
      ...standardErrors,
    },
  }),
  deliveries: createRoute({
    method: "get", path: "/endpoints/{id}/deliveries", tags, security, summary: "The endpoint's messages, newest first",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: { params: IdParam, query: z.object({ ...paginationQuery, status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional() }) },
    responses: { 200: jsonResponse(listEnvelope(DeliverySchema), "Messages"), ...standardErrors },
  }),
  delivery: createRoute({
    method: "get", path: "/deliveries/{id}", tags, security, summary: "One message with its body, headers and every attempt",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(DeliveryDetail), "Message"), ...standardErrors },
  }),
  replay: createRoute({
    method: "post", path: "/deliveries/{id}/replay", tags, security, summary: "Send a finished message again: same id and body, new timestamp and signature",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: { params: IdParam },
    responses: { 202: jsonResponse(envelope(DeliverySchema), "Queued"), 409: jsonResponse(z.any(), "Still being delivered, or the endpoint is disabled"), ...standardErrors },
  }),
};

export const webhookRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const orgId = c.get("auth").orgId;
    return ok(c, await listEndpoints(orgDb(c.env, orgId), orgId));
  })
  .openapi(routes.get, async (c) => {
    const orgId = c.get("auth").orgId;
    return ok(c, await getEndpoint(orgDb(c.env, orgId), orgId, c.req.valid("param").id));
  })
  .openapi(routes.create, async (c) => {
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await createEndpoint(c.env, orgDb(c.env, actor.orgId), actor, c.req.valid("json")), { status: 201, message: "Copy the secret now: it is not shown again" });
  })
  .openapi(routes.update, async (c) => {
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await updateEndpoint(c.env, orgDb(c.env, actor.orgId), actor, c.req.valid("param").id, c.req.valid("json")));
  })
  .openapi(routes.remove, async (c) => {
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const { id } = c.req.valid("param");
    await deleteEndpoint(orgDb(c.env, actor.orgId), actor, id);
    return ok(c, { id }, { message: "Endpoint deleted" });
  })
  .openapi(routes.rotate, async (c) => {
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await rotateSecret(c.env, orgDb(c.env, actor.orgId), actor, c.req.valid("param").id), { message: "Copy the new secret now: it is not shown again" });
  })
  .openapi(routes.test, async (c) => {
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await sendTestMessage(c.env, orgDb(c.env, actor.orgId), actor, c.req.valid("param").id));
  })
  .openapi(routes.deliveries, async (c) => {
    const orgId = c.get("auth").orgId;
    const q = c.req.valid("query");
    const { rows, total } = await listDeliveries(orgDb(c.env, orgId), orgId, c.req.valid("param").id, { page: q.page, perPage: q.per_page, status: q.status });
    return ok(c, rows, { meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.delivery, async (c) => {
    const orgId = c.get("auth").orgId;
    return ok(c, await getDelivery(orgDb(c.env, orgId), orgId, c.req.valid("param").id));
  })
  .openapi(routes.replay, async (c) => {
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await replayDelivery(c.env, orgDb(c.env, actor.orgId), actor, c.req.valid("param").id), { status: 202, message: "Replay queued" });
  });
