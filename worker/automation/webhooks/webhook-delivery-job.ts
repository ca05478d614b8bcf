import { and, eq, gte, inArray, ne } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb, type Db } from "../../platform/db";
import { newId } from "../../platform/ids";
import { registerJob, type Job } from "../../platform/job-queue";
import { notify } from "../../notifications";
import { memberships, webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookDelivery, type WebhookEndpoint } from "../../../schema";
import { WEBHOOK_DELIVERY_JOB, type WebhookDeliveryJob } from "../../../schema/jobs";
import { sendMessage, type AttemptOutcome } from "./webhook-sender";
import { nextAttemptAt, queueDelaySeconds } from "./webhook-schedule";
import { deleteEndpoint } from "./webhook-endpoints";
import { queueAttempt } from "./webhook-fanout";
import { TEST_EVENT_TYPE } from "./webhook-payloads";

/**
 * The delivery job: one attempt of one message. Queues deliver at least once
 * and hold a message back at most 12 hours, so a job first re-checks the
 * message: already attempted, finished, or not yet due (a chained long wait)
 * means it does nothing but, for the last, wait again. Every attempt is
 * written to the log; the message then succeeds, fails for good, or gets its
 * next attempt on the schedule. The clock is a parameter so tests walk the
 * schedule without waiting.
 */

const FAILURE_ALERT_EVERY_MS = 24 * 3600 * 1000;
/** Queue delays are whole seconds; a job that wakes this early is on time. */
const DUE_SLACK_MS = 1000;

export type AttemptVerdict = "succeeded" | "retrying" | "failed" | "gone";

/** Takes attempt `n` for this job alone: two copies of one job never both send. */
async function claimAttempt(db: Db, delivery: WebhookDelivery, n: number): Promise<boolean> {
  const claimed = await db
    .update(webhookDeliveries)
    .set({ attempts: n })
    .where(and(eq(webhookDeliveries.orgId, delivery.orgId), eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.status, "pending"), eq(webhookDeliveries.attempts, n - 1)))
    .returning({ id: webhookDeliveries.id })
    .get();
  return Boolean(claimed);
}

const finish = (db: Db, delivery: WebhookDelivery, set: Partial<WebhookDelivery>) =>
  db.update(webhookDeliveries).set(set).where(and(eq(webhookDeliveries.orgId, delivery.orgId), eq(webhookDeliveries.id, delivery.id)));

/** Records attempt `n` (already claimed) and decides what comes next. `retries: false` for one-off test messages. */
export async function recordAttempt(
  env: Env,
  db: Db,
  endpoint: WebhookEndpoint,
  delivery: WebhookDelivery,
  n: number,
  outcome: AttemptOutcome,
  now: number,
  retries = true,
): Promise<AttemptVerdict> {
  await db.insert(webhookAttempts).values({
    id: newId(),
    orgId: delivery.orgId,
    deliveryId: delivery.id,
    endpointId: endpoint.id,
    attempt: n,
    statusCode: outcome.statusCode,
    durationMs: outcome.durationMs,
    error: outcome.error,
    responseBody: outcome.responseBody,
    createdAt: now,
  });
  const last = { lastStatusCode: outcome.statusCode, lastError: outcome.error };
  if (outcome.ok) {
    await finish(db, delivery, { ...last, status: "succeeded", nextAttemptAt: null, finishedAt: now });
    return "succeeded";
  }
  if (outcome.statusCode === 410) {
    await finish(db, delivery, { ...last, status: "failed", nextAttemptAt: null, finishedAt: now });
    await endpointGone(db, endpoint, now);
    return "gone";
  }
  const due = retries ? nextAttemptAt(delivery.createdAt, n, now) : null;
  if (due === null) {
    await finish(db, delivery, { ...last, status: "failed", nextAttemptAt: null, finishedAt: now });
    if (retries) await alertAdmins(env, db, endpoint, delivery, now);
    return "failed";
  }
  await finish(db, delivery, { ...last, nextAttemptAt: due });
  await queueAttempt(env, delivery, n + 1, queueDelaySeconds(due, now));
  return "retrying";
}

/**
 * 410 Gone: the receiver asks never to be called again. An endpoint is
 * switched off with the reason shown; a Zapier hook is unsubscribed, as the
 * REST Hooks convention says.
 */
async function endpointGone(db: Db, endpoint: WebhookEndpoint, now: number) {
  if (endpoint.source === "rest_hook") {
    await deleteEndpoint(db, { orgId: endpoint.orgId, userId: null }, endpoint.id, "rest_hook");
    return;
  }
  await db
    .update(webhookEndpoints)
    .set({ enabled: false, disabledReason: `The receiver answered 410 Gone on ${new Date(now).toISOString()}`, updatedAt: now })
    .where(and(eq(webhookEndpoints.orgId, endpoint.orgId), eq(webhookEndpoints.id, endpoint.id)));
}

/** One alert per endpoint a day, however many of its messages fail: a dead receiver must not flood the admins' inboxes. */
async function alertAdmins(env: Env, db: Db, endpoint: WebhookEndpoint, delivery: WebhookDelivery, now: number) {
  const recent = await db.$count(
    webhookDeliveries,
    and(
      eq(webhookDeliveries.orgId, endpoint.orgId),
      eq(webhookDeliveries.endpointId, endpoint.id),
      eq(webhookDeliveries.status, "failed"),
      ne(webhookDeliveries.id, delivery.id),
      gte(webhookDeliveries.finishedAt, now - FAILURE_ALERT_EVERY_MS),
      ne(webhookDeliveries.eventType, TEST_EVENT_TYPE),
    ),
  );
  if (recent > 0) return;
  const admins = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, endpoint.orgId), inArray(memberships.role, ["owner", "admin"])));
  const host = new URL(endpoint.url).host;
  for (const { userId } of admins) {
    await notify(env, endpoint.orgId, userId, {
      type: "webhook_failed",
      title: `Webhook messages to ${host} are failing`,
      body: `A ${delivery.eventType} message failed after ${delivery.attempts || "every"} attempts over three days (last: ${delivery.lastError ?? "no answer"}).`,
      link: endpoint.source === "endpoint" ? `/automation/webhooks/${encodeURIComponent(endpoint.id)}` : "/automation/webhooks",
      data: { endpointId: endpoint.id, deliveryId: delivery.id },
    });
  }
}

export async function runDeliveryJob(env: Env, job: WebhookDeliveryJob, now = Date.now()): Promise<AttemptVerdict | "skipped" | "waiting" | "cancelled"> {
  const db = orgDb(env, job.orgId);
  const delivery = await db.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, job.orgId), eq(webhookDeliveries.id, job.deliveryId))).get();
  if (!delivery || delivery.status !== "pending" || delivery.attempts >= job.attempt) return "skipped";
  if (delivery.nextAttemptAt !== null && delivery.nextAttemptAt > now + DUE_SLACK_MS) {
    await queueAttempt(env, delivery, job.attempt, queueDelaySeconds(delivery.nextAttemptAt, now));
    return "waiting";
  }
  const endpoint = await db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.orgId, job.orgId), eq(webhookEndpoints.id, delivery.endpointId))).get();
  if (!endpoint?.enabled) {
    await finish(db, delivery, { status: "cancelled", nextAttemptAt: null, finishedAt: now, lastError: endpoint ? "The endpoint was disabled" : "The endpoint was deleted" });
    return "cancelled";
  }
  if (!(await claimAttempt(db, delivery, job.attempt))) return "skipped";
  const outcome = await sendMessage(env, endpoint, delivery);
  return recordAttempt(env, db, endpoint, { ...delivery, attempts: job.attempt }, job.attempt, outcome, now);
}

