import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { notFound } from "../../platform/errors";
import { createRouter, envelope, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { ARI_TYPES } from "../pbx/pbx-originate";
import { requireProvider } from "../providers/providers";
import { telephonyScope } from "../call-routes";

const tags = ["Telephony"];
const security = [{ bearerAuth: [] }];
const Params = z.object({ providerId: z.string().min(1).max(64).openapi({ param: { name: "providerId", in: "path" } }) });
const LinkSchema = z
  .object({
    providerId: z.string().nullable(),
    enabled: z.boolean(),
    connected: z.boolean(),
    eventsApplied: z.number().int(),
    lastEventAt: z.number().int().nullable(),
    lastError: z.string().nullable().openapi({ description: "Why the last connection attempt failed or the socket closed" }),
    attempts: z.number().int().openapi({ description: "Failed attempts since the last successful connection (backoff doubles each)" }),
  })
  .openapi("AriLink");

const route = (method: "get" | "post" | "delete", summary: string) =>
  createRoute({
    method, path: "/{providerId}/link", tags, security,
    middleware: [requirePermission("telephony:manage")] as const,
    summary,
    request: { params: Params },
    responses: { 200: jsonResponse(envelope(LinkSchema), "The link's state"), ...standardErrors },
  });

/** The provider's AriLink object, once the provider is known to be this organization's Asterisk / FreePBX. */
async function link(c: Context<AppEnv>, providerId: string) {
  const { db, orgId } = telephonyScope(c);
  const provider = await requireProvider(db, orgId, providerId);
  if (!(ARI_TYPES as readonly string[]).includes(provider.type)) throw notFound("Asterisk or FreePBX provider");
  return c.env.ARI_LINK.get(c.env.ARI_LINK.idFromName(provider.id));
}

export const telephonyPbxLinkRoutes = createRouter()
  .openapi(route("get", "State of the ARI event WebSocket for this provider"), async (c) => {
    const stub = await link(c, c.req.valid("param").providerId);
    return ok(c, await stub.status(), { status: 200 });
  })
  .openapi(route("post", "Open the ARI event WebSocket: channel events become call records (kept open, reconnects with backoff)"), async (c) => {
    const { providerId } = c.req.valid("param");
    const stub = await link(c, providerId);
    return ok(c, await stub.start(providerId), { status: 200 });
  })
  .openapi(route("delete", "Close the ARI event WebSocket"), async (c) => {
    const stub = await link(c, c.req.valid("param").providerId);
    return ok(c, await stub.stop(), { status: 200 });
  });
