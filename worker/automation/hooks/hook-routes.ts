import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { actorOf } from "../../platform/records";
import { DOMAIN_EVENT_TYPES, type DomainEventType } from "../../../schema";
import { listHooks, subscribe, unsubscribe } from "./hook-subscriptions";
import { hookSamples } from "./hook-samples";

const tags = ["Automation: Zapier REST Hooks"];
const security = [{ bearerAuth: [] }];

const HookSchema = z
  .object({ id: z.string(), target_url: z.string(), event: z.string(), createdBy: z.string(), createdAt: z.number().int() })
  .openapi("RestHook");

const Subscribe = z
  .object({
    target_url: z.string().trim().min(1).max(2000).openapi({ example: "https://hooks.zapier.com/hooks/standard/1234567/abcdef/" }),
    event: z.string().trim().min(1).max(64).openapi({ example: "deal.created", description: `One of ${DOMAIN_EVENT_TYPES.join(", ")}` }),
  })
  .strict()
  .openapi("RestHookSubscribe");

const EventParam = z.object({
  event: z.enum(DOMAIN_EVENT_TYPES as [DomainEventType, ...DomainEventType[]]).openapi({ param: { name: "event", in: "path" }, example: "deal.created" }),
});

const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security, summary: "The organization's REST Hook subscriptions",
    middleware: [requirePermission("webhooks:manage")] as const,
    responses: { 200: jsonResponse(envelope(z.array(HookSchema)), "Subscriptions"), ...standardErrors },
  }),
  subscribe: createRoute({
    method: "post", path: "/", tags, security, summary: "Subscribe a URL to one event (Zapier performSubscribe)",
    description: "Messages are signed and retried like every webhook endpoint; a 410 answer unsubscribes. Authenticate with an API key: `Authorization: Bearer nc_…`.",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: jsonBody(Subscribe),
    responses: {
      201: jsonResponse(envelope(HookSchema), "Subscribed: keep `id` to unsubscribe"),
      422: jsonResponse(z.any(), "A URL the outbound guard refuses (`outbound_blocked`); an unknown event is a 400 `validation_error`"),
      ...standardErrors,
    },
  }),
  unsubscribe: createRoute({
    method: "delete", path: "/{id}", tags, security, summary: "Unsubscribe (Zapier performUnsubscribe)",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.object({ id: z.string() })), "Unsubscribed"), ...standardErrors },
  }),
  samples: createRoute({
    method: "get", path: "/samples/{event}", tags, security, summary: "Recent items of an event, as delivered in `data.object` (Zapier performList)",
    description: "The 3 most recent events of this type; before any happened, one real record of that kind in the same shape; an empty list when there is none.",
    middleware: [requirePermission("webhooks:manage")] as const,
    request: { params: EventParam },
    responses: { 200: jsonResponse(envelope(z.array(z.record(z.string(), z.unknown()))), "Items, newest first"), ...standardErrors },
  }),
};

export const hookRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const orgId = c.get("auth").orgId;
    return ok(c, await listHooks(orgDb(c.env, orgId), orgId));
  })
  .openapi(routes.subscribe, async (c) => {
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await subscribe(c.env, orgDb(c.env, actor.orgId), actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.unsubscribe, async (c) => {
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const { id } = c.req.valid("param");
    await unsubscribe(orgDb(c.env, actor.orgId), actor, id);
    return ok(c, { id }, { message: "Unsubscribed" });
  })
  .openapi(routes.samples, async (c) => {
    const auth = c.get("auth");
    return ok(c, await hookSamples(orgDb(c.env, auth.orgId), auth, c.req.valid("param").event));
  });
