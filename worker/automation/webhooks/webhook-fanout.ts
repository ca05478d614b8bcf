import { and, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb, type Db } from "../../platform/db";
import { conflict } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { BatchMemo, enqueue } from "../../platform/job-queue";
import { webhookDeliveries, webhookEndpoints, type DomainEvent, type WebhookDelivery, type WebhookEndpoint } from "../../../schema";
import { WEBHOOK_DELIVERY_JOB, type WebhookDeliveryJob } from "../../../schema/jobs";
import { webhookPayload } from "./webhook-payloads";
import { requireEndpoint, subscribes } from "./webhook-endpoints";
import { queueDelaySeconds } from "./webhook-schedule";

/**
 * From a domain event to messages: one delivery per enabled endpoint that
 * hears the event, keyed by endpoint and event, so a redelivered event makes
 * no second message; each then goes out through the delivery job.
 */

export const newMessageId = () => `msg_${newId().replace(/-/g, "")}`;

export const queueAttempt = (env: Pick<Env, "JOBS">, delivery: Pick<WebhookDelivery, "orgId" | "id">, attempt: number, delaySeconds = 0) =>
  enqueue(env, { type: WEBHOOK_DELIVERY_JOB, orgId: delivery.orgId, deliveryId: delivery.id, attempt } satisfies WebhookDeliveryJob, delaySeconds ? { delaySeconds } : undefined);

export interface MessageInput {
  eventId: string;
  eventType: string;
  payload: string;
  replayOf?: string | null;
}

/** The message for this endpoint and event: made once, found again afterwards. */
export async function insertDelivery(db: Db, endpoint: Pick<WebhookEndpoint, "id" | "orgId">, input: MessageInput, now: number): Promise<{ delivery: WebhookDelivery; created: boolean }> {
  const row: WebhookDelivery = {
    id: newMessageId(),
    orgId: endpoint.orgId,
    endpointId: endpoint.id,
    eventId: input.eventId,
    eventType: input.eventType,
    payload: input.payload,
    status: "pending",
    attempts: 0,
    nextAttemptAt: now,
    lastStatusCode: null,
    lastError: null,
    replayOf: input.replayOf ?? null,
    createdAt: now,
    finishedAt: null,
  };
  const inserted = await db.insert(webhookDeliveries).values(row).onConflictDoNothing().returning().get();
  if (inserted) return { delivery: inserted, created: true };
  const existing = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.orgId, endpoint.orgId), eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.eventId, input.eventId)))
    .get();
  return { delivery: existing!, created: false };
}

/**
 * Queues the first attempt of a message not yet attempted. A redelivered
 * event queues it again when the first queueing may have been lost; the job
 * itself runs each attempt at most once.
 */
async function queueFirstAttempt(env: Pick<Env, "JOBS">, delivery: WebhookDelivery, now: number) {
  if (delivery.status !== "pending" || delivery.attempts > 0) return;
  await queueAttempt(env, delivery, 1, queueDelaySeconds(delivery.nextAttemptAt ?? now, now));
}

export async function fanOutEvent(env: Env, event: DomainEvent, batch = new BatchMemo(), now = Date.now()): Promise<number> {
  const db = orgDb(env, event.orgId);
  const endpoints = await batch.get(`enabled-webhook-endpoints:${event.orgId}`, () =>
    db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.orgId, event.orgId), eq(webhookEndpoints.enabled, true)))
      .all(),
  );
  const listening = endpoints.filter((e) => subscribes(e, event.type));
  if (!listening.length) return 0;
  const payload = JSON.stringify(webhookPayload(event));
  for (const endpoint of listening) {
    const { delivery } = await insertDelivery(db, endpoint, { eventId: event.id, eventType: event.type, payload }, now);
    await queueFirstAttempt(env, delivery, now);
  }
  return listening.length;
}


/**
 * For the workflow action "call an outbound webhook": one signed message of
 * `event` to the organization's endpoint, whatever events the endpoint
 * hears, with the same delivery, retries and log as every message. `key`
 * tells apart two messages of one event to one endpoint (two steps of a run);
 * the same key again finds the message already made.
 */
export async function queueEndpointDelivery(
  env: Env,
  orgId: string,
  endpointId: string,
  event: DomainEvent,
  options: { key?: string; now?: number } = {},
): Promise<{ deliveryId: string; status: WebhookDelivery["status"]; created: boolean }> {
  const now = options.now ?? Date.now();
  const db = orgDb(env, orgId);
  const endpoint = await requireEndpoint(db, orgId, endpointId);
  if (!endpoint.enabled) throw conflict("This webhook endpoint is disabled: enable it before sending to it", { endpointId, disabledReason: endpoint.disabledReason });
  const eventId = options.key ? `${event.id}:${options.key}` : event.id;
  const { delivery, created } = await insertDelivery(db, endpoint, { eventId, eventType: event.type, payload: JSON.stringify(webhookPayload(event)) }, now);
  await queueFirstAttempt(env, delivery, now);
  return { deliveryId: delivery.id, status: delivery.status, created };
}
