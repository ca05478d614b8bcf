import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { api, registerAccount } from "../../helpers";
import { testDb } from "../../record-helpers";
import { webhookAttempts, webhookDeliveries, webhookEndpoints, notifications } from "../../../schema";
import { RETRY_DELAYS_MS } from "../../../worker/automation/webhooks";
import { capturingEnv, contactCreatedEvent, fanOutEvent, receiverEndpoint, received, setStatus } from "./webhooks-fixture";

const deliveriesOf = (endpointId: string) => testDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId));
const attemptsOf = (deliveryId: string) => testDb().select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId)).orderBy(webhookAttempts.attempt);

/** A contact event raised as `contact.deleted`, a type nothing in these tests really raises, so only the test's own fan-out reaches the endpoint. */
async function deletedEvent(owner: Awaited<ReturnType<typeof registerAccount>>) {
  return { ...(await contactCreatedEvent(owner)), type: "contact.deleted" as const };
}

describe("webhook messages", () => {
  it("delivers an event signed per Standard Webhooks, with the record in its REST shape, and verifies at the receiver", async () => {
    const owner = await registerAccount("whsign");
    const endpoint = await receiverEndpoint(owner, "ok", ["contact.deleted"]);
    const event = await deletedEvent(owner);
    const queue = capturingEnv();
    expect(await fanOutEvent(queue.env, event)).toBe(1);
    expect(await queue.runQueued()).toEqual(["succeeded"]);

    const [message] = await received(endpoint.tag);
    expect(message).toMatchObject({ verified: true, answered: 200 });
    const [delivery] = await deliveriesOf(endpoint.endpoint.id);
    expect(message!.headers["webhook-id"]).toBe(delivery!.id);
    expect(delivery!.id).toMatch(/^msg_/);
    expect(message!.headers["content-type"]).toBe("application/json");
    expect(message!.headers["user-agent"]).toContain("NeuraCRM");
    const body = JSON.parse(message!.body);
    expect(body).toEqual({ type: "contact.deleted", timestamp: new Date(event.occurredAt).toISOString(), data: { object: event.record } });
    const contact = await api(`/api/contacts/${event.entityId}`, { token: owner.token });
    expect(contact.body.data).toMatchObject(body.data.object);
    // The signature is the package's own: verifying with the secret from the API succeeds, with another fails.
    expect(() => new Webhook(endpoint.secret).verify(message!.body, message!.headers)).not.toThrow();
    expect(() => new Webhook(`whsec_${btoa("another secret of 24 bytes")}`).verify(message!.body, message!.headers)).toThrow();
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
  });

  it("makes one message per endpoint and event however often the event is delivered, and sends it once", async () => {
    const owner = await registerAccount("whidem");
    const endpoint = await receiverEndpoint(owner, "ok", ["contact.deleted"]);
    const event = await deletedEvent(owner);
    const queue = capturingEnv();
    await fanOutEvent(queue.env, event);
    await fanOutEvent(queue.env, event);
    expect(await queue.runQueued()).toEqual(["succeeded", "skipped"]);
    await fanOutEvent(queue.env, event);
    expect(queue.jobs).toHaveLength(0);
    expect(await deliveriesOf(endpoint.endpoint.id)).toHaveLength(1);
    expect(await received(endpoint.tag)).toHaveLength(1);
  });

  it("sends only to enabled endpoints that hear the event", async () => {
    const owner = await registerAccount("whfilter");
    const hears = await receiverEndpoint(owner, "ok", ["contact.deleted"]);
    const deaf = await receiverEndpoint(owner, "ok", ["deal.updated"]);
    const off = await receiverEndpoint(owner, "ok", ["*"]);
    await api(`/api/webhooks/endpoints/${off.endpoint.id}`, { method: "PATCH", token: owner.token, body: { enabled: false } });
    const queue = capturingEnv();
    expect(await fanOutEvent(queue.env, await deletedEvent(owner))).toBe(1);
    await queue.runQueued();
    expect(await received(hears.tag)).toHaveLength(1);
    expect(await received(deaf.tag)).toHaveLength(0);
    expect(await received(off.tag)).toHaveLength(0);
  });

  it("retries on the Standard Webhooks schedule, daily after 10 hours, and fails after three days with one alert to the admins", async () => {
    const owner = await registerAccount("whretry");
    const endpoint = await receiverEndpoint(owner, "fail", ["contact.deleted"]);
    const queue = capturingEnv();
    const start = Date.now();
    await fanOutEvent(queue.env, await deletedEvent(owner), undefined, start);
    const [delivery] = await deliveriesOf(endpoint.endpoint.id);
    const attemptTimes: number[] = [];
    let now = start;
    for (let i = 0; i < 20 && queue.jobs.length; i++) {
      const { delaySeconds } = queue.jobs[0]!;
      now += delaySeconds * 1000;
      const [verdict] = await queue.runQueued(now);
      if (verdict !== "waiting") attemptTimes.push(now);
    }
    const gaps = attemptTimes.slice(1).map((t, i) => t - attemptTimes[i]!);
    const DAY = 24 * 3600 * 1000;
    expect(gaps).toEqual([...RETRY_DELAYS_MS, DAY, DAY]);
    expect(attemptTimes.at(-1)! - start).toBeLessThanOrEqual(3 * DAY);
    const attempts = await attemptsOf(delivery!.id);
    expect(attempts.map((a) => a.createdAt)).toEqual(attemptTimes);
    expect(attempts.every((a) => a.statusCode === 500 && a.responseBody?.includes("received"))).toBe(true);
    expect((await deliveriesOf(endpoint.endpoint.id))[0]).toMatchObject({ status: "failed", attempts: 9, nextAttemptAt: null, lastStatusCode: 500 });
    expect(await received(endpoint.tag)).toHaveLength(9);
    // Waits longer than a queue holds a message (12 h) were chained: the daily ones waited twice.
    const alerts = () => testDb().select().from(notifications).where(and(eq(notifications.orgId, owner.orgId), eq(notifications.type, "webhook_failed")));
    expect(await alerts()).toHaveLength(1);

    // A second message failing the same day does not alert again.
    await fanOutEvent(queue.env, await deletedEvent(owner), undefined, start);
    for (let i = 0; i < 20 && queue.jobs.length; i++) {
      now = start + queue.jobs[0]!.delaySeconds * 1000 + (now - start);
      await queue.runQueued(now);
    }
    expect(await alerts()).toHaveLength(1);
  });

  it("disables the endpoint on 410 Gone and stops retrying", async () => {
    const owner = await registerAccount("whgone");
    const endpoint = await receiverEndpoint(owner, "gone", ["contact.deleted"]);
    const queue = capturingEnv();
    await fanOutEvent(queue.env, await deletedEvent(owner));
    expect(await queue.runQueued()).toEqual(["gone"]);
    expect(queue.jobs).toHaveLength(0);
    const res = await api(`/api/webhooks/endpoints/${endpoint.endpoint.id}`, { token: owner.token });
    expect(res.body.data).toMatchObject({ enabled: false, disabledReason: expect.stringContaining("410") });
    expect((await deliveriesOf(endpoint.endpoint.id))[0]).toMatchObject({ status: "failed", lastStatusCode: 410 });
    // Nothing more is sent to it.
    expect(await fanOutEvent(queue.env, await deletedEvent(owner))).toBe(0);
  });

  it("does not follow a redirect: a 3xx is a failed attempt and the target is never called", async () => {
    const owner = await registerAccount("whredir");
    const endpoint = await receiverEndpoint(owner, "redirect", ["contact.deleted"]);
    const queue = capturingEnv();
    await fanOutEvent(queue.env, await deletedEvent(owner));
    expect(await queue.runQueued()).toEqual(["retrying"]);
    const got = await received(endpoint.tag);
    expect(got.map((m) => m.kind)).toEqual(["redirect"]);
    const [delivery] = await deliveriesOf(endpoint.endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1 });
    expect((await attemptsOf(delivery!.id))[0]!.error).toMatch(/Redirect not followed/);
  });

  it("cancels a pending message whose endpoint was switched off before its attempt", async () => {
    const owner = await registerAccount("whoff");
    const endpoint = await receiverEndpoint(owner, "switch", ["contact.deleted"]);
    const queue = capturingEnv();
    await fanOutEvent(queue.env, await deletedEvent(owner));
    await api(`/api/webhooks/endpoints/${endpoint.endpoint.id}`, { method: "PATCH", token: owner.token, body: { enabled: false } });
    expect(await queue.runQueued()).toEqual(["cancelled"]);
    expect(await received(endpoint.tag)).toHaveLength(0);
  });

  it("replays a finished message with the same id and body, a new timestamp and signature, after a re-enable only", async () => {
    const owner = await registerAccount("whreplay");
    const endpoint = await receiverEndpoint(owner, "switch", ["contact.deleted"]);
    await setStatus(endpoint.tag, 410);
    const queue = capturingEnv();
    await fanOutEvent(queue.env, await deletedEvent(owner));
    await queue.runQueued();
    const [first] = await deliveriesOf(endpoint.endpoint.id);

    const refused = await api(`/api/webhooks/deliveries/${first!.id}/replay`, { method: "POST", token: owner.token });
    expect(refused.status).toBe(409);
    await api(`/api/webhooks/endpoints/${endpoint.endpoint.id}`, { method: "PATCH", token: owner.token, body: { enabled: true } });
    await setStatus(endpoint.tag, 200);
    await new Promise((r) => setTimeout(r, 1100));
    const replay = await api(`/api/webhooks/deliveries/${first!.id}/replay`, { method: "POST", token: owner.token });
    expect(replay.status, JSON.stringify(replay.body)).toBe(202);
    expect(replay.body.data).toMatchObject({ messageId: first!.id, replayOf: first!.id, status: "pending" });
    // The route queued on the real queue; this test runs the attempt itself.
    const { runDeliveryJob } = await import("../../../worker/automation/webhooks");
    expect(await runDeliveryJob(queue.env, { type: "automation-webhook-delivery", orgId: owner.orgId, deliveryId: replay.body.data.id, attempt: 1 })).toBe("succeeded");

    const [original, again] = (await received(endpoint.tag)).filter((m) => m.kind === "switch");
    expect(again).toMatchObject({ verified: true, answered: 200, body: original!.body });
    expect(again!.headers["webhook-id"]).toBe(original!.headers["webhook-id"]);
    expect(again!.headers["webhook-timestamp"]).not.toBe(original!.headers["webhook-timestamp"]);
    expect(again!.headers["webhook-signature"]).not.toBe(original!.headers["webhook-signature"]);

    const detail = await api(`/api/webhooks/deliveries/${replay.body.data.id}`, { token: owner.token });
    expect(detail.body.data).toMatchObject({ status: "succeeded", payload: original!.body, attemptLog: [{ attempt: 1, statusCode: 200 }] });
    const log = await api(`/api/webhooks/endpoints/${endpoint.endpoint.id}/deliveries?status=failed`, { token: owner.token });
    expect(log.body.data.map((d: { id: string }) => d.id)).toEqual([first!.id]);
    expect(log.body.meta.total).toBe(1);
  });

  it("refuses to replay a message still being delivered", async () => {
    const owner = await registerAccount("whpending");
    const endpoint = await receiverEndpoint(owner, "fail", ["contact.deleted"]);
    const queue = capturingEnv();
    await fanOutEvent(queue.env, await deletedEvent(owner));
    const [pending] = await deliveriesOf(endpoint.endpoint.id);
    const res = await api(`/api/webhooks/deliveries/${pending!.id}/replay`, { method: "POST", token: owner.token });
    expect(res.status).toBe(409);
    expect(await deliveriesOf(endpoint.endpoint.id)).toHaveLength(1);
  });

  it("sends a signed test message and logs it", async () => {
    const owner = await registerAccount("whtest");
    const endpoint = await receiverEndpoint(owner, "ok", ["deal.updated"]);
    const res = await api(`/api/webhooks/endpoints/${endpoint.endpoint.id}/test`, { method: "POST", token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ outcome: { ok: true, statusCode: 200 }, delivery: { status: "succeeded", eventType: "webhook.test" } });
    const [message] = await received(endpoint.tag);
    expect(message).toMatchObject({ verified: true });
    expect(JSON.parse(message!.body).type).toBe("webhook.test");
    const stored = await testDb().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.endpoint.id)).get();
    expect(stored!.secretSealed).not.toContain(endpoint.secret.slice(6));
  });
});
