import { createRoute, z } from "@hono/zod-openapi";
import { directoryDb } from "../../platform/db";
import { notFound } from "../../platform/errors";
import { createRouter, envelope, jsonResponse, ok } from "../../platform/http";
import { ingestPbxEvent, parsePbxEvent } from "./pbx-events";
import { ARI_TYPES } from "./pbx-originate";
import { verifyPbxRequest } from "./pbx-signature";
import { providerForWebhook } from "../providers/providers";

const ProviderParam = z.object({
  providerId: z.string().min(1).max(64).openapi({ param: { name: "providerId", in: "path" } }),
});

const events = createRoute({
  method: "post",
  path: "/{providerId}/events",
  tags: ["Telephony webhooks"],
  summary: "Channel events pushed by an Asterisk / FreePBX dialplan",
  description:
    "Authenticated by `X-NeuraCRM-Signature: t=<unix>,v1=<hex HMAC-SHA256(webhookSecret, t + \".\" + body)>` (5-minute tolerance; " +
    "a bare key is not accepted). JSON or form-encoded fields: event (start|queued|ringing|answered|hold|unhold|transfer|hangup), " +
    "uniqueid, linkedid?, direction?, from?, to?, agent? (extension), queue? (name), timestamp? (unix seconds), dialstatus?, hangupcause?, eventid?. " +
    "Idempotent: a repeated event changes nothing.",
  // The body is read raw (the signature covers its exact bytes) and validated against PbxEventBody after authentication.
  request: { params: ProviderParam },
  responses: {
    200: jsonResponse(
      envelope(z.object({ callId: z.string(), status: z.string(), applied: z.boolean(), created: z.boolean() })),
      "Applied (or already applied)",
    ),
    400: jsonResponse(z.any(), "Invalid event"),
    401: jsonResponse(z.any(), "Missing, invalid or expired signature"),
    404: jsonResponse(z.any(), "No such Asterisk / FreePBX provider"),
  },
});

export const telephonyPbxEventRoutes = createRouter().openapi(events, async (c) => {
  const { providerId } = c.req.valid("param");
  const provider = await providerForWebhook(directoryDb(c.env), providerId);
  if (!provider || !(ARI_TYPES as readonly string[]).includes(provider.type)) throw notFound("Asterisk or FreePBX provider");
  // Bytes, not .text(): workerd warns about .text() on form bodies; the signature covers these exact bytes.
  const raw = new TextDecoder().decode(await c.req.arrayBuffer());
  await verifyPbxRequest(c.env, provider, c.req.raw.headers, raw);
  const event = parsePbxEvent(c.req.header("content-type") ?? "", raw);
  return ok(c, await ingestPbxEvent(c.env, provider, event), { status: 200 });
});
