import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { directoryDb, orgDb } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { clientIp } from "../../platform/client-ip";
import { countWebhookAuthFailure } from "../../platform/abuse-limits";
import { createRouter, envelope, ErrorSchema, jsonResponse, ok } from "../../platform/http";
import { stripeConnections } from "../../../schema";
import { stripeCryptoProvider, stripeWebhooks } from "./stripe-client";
import { connectionSecrets } from "./stripe-connections";
import { applyStripeEvent } from "./stripe-event-apply";

/**
 * Stripe's webhook endpoint for one connection. Public (see
 * platform/public-routes.ts): the Stripe-Signature header over the raw body,
 * checked with the connection's signing secret, is the only proof. An
 * unknown connection, a missing or bad signature, or another secret all
 * answer the same 400 and write nothing but a failure count for the caller's
 * address.
 */

const MAX_BODY_BYTES = 64 * 1024;

const route = createRoute({
  method: "post",
  path: "/{connectionId}/webhook",
  tags: ["Stripe"],
  summary: "Stripe webhook (signed by Stripe)",
  description:
    "Point a Stripe webhook endpoint here (the connection's `webhookUrl`). The raw body is verified with `Stripe-Signature` and the connection's signing secret. Each event is applied once: a replay answers `{duplicate: true}` and changes nothing. Handled: checkout.session.completed / async_payment_succeeded / async_payment_failed, payment_intent.succeeded / payment_failed, charge.succeeded / updated / refunded, charge.dispute.created; others are acknowledged and ignored.",
  request: { params: z.object({ connectionId: z.string().min(1).max(64).openapi({ param: { name: "connectionId", in: "path" } }) }) },
  responses: {
    200: jsonResponse(envelope(z.object({ received: z.literal(true), duplicate: z.boolean(), outcome: z.string().optional() })), "Applied, ignored or a replay"),
    400: jsonResponse(ErrorSchema, "`invalid_signature`: unknown connection, missing or bad signature"),
    413: jsonResponse(ErrorSchema, "Body over 64 KiB"),
  },
});

const invalidSignature = () => new AppError("invalid_signature", "The Stripe signature is missing or does not match this endpoint's signing secret");

export const stripeWebhookRoutes = createRouter().openapi(route, async (c) => {
  const { connectionId } = c.req.valid("param");
  const body = await c.req.text();
  if (body.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
  const signature = c.req.header("stripe-signature");
  const connection = await directoryDb(c.env).select().from(stripeConnections).where(eq(stripeConnections.id, connectionId)).get();
  let event: Awaited<ReturnType<typeof stripeWebhooks.constructEventAsync>> | null = null;
  if (connection && signature) {
    try {
      const { webhookSecret } = await connectionSecrets(c.env, connection);
      event = await stripeWebhooks.constructEventAsync(body, signature, webhookSecret, undefined, stripeCryptoProvider);
    } catch {
      event = null;
    }
  }
  if (!connection || !event) {
    await countWebhookAuthFailure(directoryDb(c.env), clientIp(c));
    throw invalidSignature();
  }
  const db = orgDb(c.env, connection.orgId);
  const result = await applyStripeEvent(c.env, db, connection, { id: event.id, type: event.type, created: event.created, data: { object: event.data.object } });
  return ok(c, result.duplicate ? { received: true as const, duplicate: true } : { received: true as const, duplicate: false, outcome: result.outcome }, { status: 200 });
});
