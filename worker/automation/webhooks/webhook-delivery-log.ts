import { and, asc, desc, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { conflict, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { auditStatement } from "../../platform/audit-writer";
import type { Actor } from "../../platform/records";
import { webhookAttempts, webhookDeliveries, type WebhookDelivery, type WebhookDeliveryStatus } from "../../../schema";
import { deliveryHeaders, messageIdOf, sendMessage } from "./webhook-sender";
import { insertDelivery, queueAttempt } from "./webhook-fanout";
import { requireEndpoint } from "./webhook-endpoints";
import { recordAttempt } from "./webhook-delivery-job";
import { testPayload, TEST_EVENT_TYPE } from "./webhook-payloads";

/**
 * The message log of an endpoint (each message with its attempts), replays,
 * and test messages. A replay is a new series of attempts of the same
 * message: same `webhook-id` and body, a fresh timestamp and signature.
 */

const REPLAY_MARK = "/replay/";

export function deliveryView(row: WebhookDelivery) {
  return {
    id: row.id,
    messageId: messageIdOf(row),
    endpointId: row.endpointId,
    eventId: row.eventId.split(REPLAY_MARK)[0]!,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    replayOf: row.replayOf,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}
export type WebhookDeliveryView = ReturnType<typeof deliveryView>;

export async function listDeliveries(db: Db, orgId: string, endpointId: string, q: { page: number; perPage: number; status?: WebhookDeliveryStatus }) {
  await requireEndpoint(db, orgId, endpointId);
  const where = and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.endpointId, endpointId), q.status ? eq(webhookDeliveries.status, q.status) : undefined);
  const [rows, total] = await Promise.all([
    db.select().from(webhookDeliveries).where(where).orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)).limit(q.perPage).offset((q.page - 1) * q.perPage),
    db.$count(webhookDeliveries, where),
  ]);
  return { rows: rows.map(deliveryView), total };
}

async function requireDelivery(db: Db, orgId: string, id: string) {
  const row = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, orgId), eq(webhookDeliveries.id, id))).get();
  if (!row) throw notFound("Delivery");
  // A Zapier hook's messages are not in the endpoints' log.
  await requireEndpoint(db, orgId, row.endpointId).catch(() => {
    throw notFound("Delivery");
  });
  return row;
}

/** One message: its exact body, the headers every attempt carried, and each attempt. */
export async function getDelivery(db: Db, orgId: string, id: string) {
  const row = await requireDelivery(db, orgId, id);
  const attempts = await db
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.orgId, orgId), eq(webhookAttempts.deliveryId, id)))
    .orderBy(asc(webhookAttempts.attempt));
  return {
    ...deliveryView(row),
    payload: row.payload,
    headers: { ...deliveryHeaders(row), "webhook-timestamp": "(the time of each attempt)", "webhook-signature": "v1,<HMAC-SHA256 of id.timestamp.body with the endpoint's secret>" },
    attemptLog: attempts.map(({ orgId: _o, deliveryId: _d, endpointId: _e, ...a }) => a),
  };
}

/** Any finished message may be replayed, but never to a disabled endpoint: re-enable it first. */
export async function replayDelivery(env: Pick<Env, "JOBS">, db: Db, actor: Actor, id: string, now = Date.now()) {
  const original = await requireDelivery(db, actor.orgId, id);
  if (original.status === "pending") throw conflict("This message is still being delivered; replay it once it has finished");
  const endpoint = await requireEndpoint(db, actor.orgId, original.endpointId);
  if (!endpoint.enabled) throw conflict("The endpoint is disabled: enable it before replaying its messages", { disabledReason: endpoint.disabledReason });
  const rootEventId = original.eventId.split(REPLAY_MARK)[0]!;
  const { delivery } = await insertDelivery(
    db,
    endpoint,
    { eventId: `${rootEventId}${REPLAY_MARK}${newId()}`, eventType: original.eventType, payload: original.payload, replayOf: messageIdOf(original) },
    now,
  );
  await auditStatement(db, actor.orgId, { actorId: actor.userId, action: "webhook_delivery_replayed", entity: "webhook_endpoint", entityId: endpoint.id, changes: { messageId: messageIdOf(original), deliveryId: delivery.id }, requestId: actor.requestId });
  await queueAttempt(env, delivery, 1);
  return deliveryView(delivery);
}

/** Sends a `webhook.test` message now, once, and answers how it went; it is in the log like every message. */
export async function sendTestMessage(env: Env, db: Db, actor: Actor, endpointId: string, now = Date.now()) {
  const endpoint = await requireEndpoint(db, actor.orgId, endpointId);
  const { delivery } = await insertDelivery(db, endpoint, { eventId: `test:${newId()}`, eventType: TEST_EVENT_TYPE, payload: JSON.stringify(testPayload(endpoint.id, now)) }, now);
  await db.update(webhookDeliveries).set({ attempts: 1 }).where(and(eq(webhookDeliveries.orgId, actor.orgId), eq(webhookDeliveries.id, delivery.id)));
  const outcome = await sendMessage(env, endpoint, delivery);
  await recordAttempt(env, db, endpoint, { ...delivery, attempts: 1 }, 1, outcome, now, false);
  const row = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, actor.orgId), eq(webhookDeliveries.id, delivery.id))).get();
  return { delivery: deliveryView(row ?? { ...delivery, status: "failed" }), outcome };
}
