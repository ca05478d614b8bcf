import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import { create } from "../../record-helpers";
import { api, unique, type Account } from "../../helpers";
import { domainEvent } from "../../../worker/platform/domain-events";
import { fanOutEvent, runDeliveryJob } from "../../../worker/automation/webhooks";
import type { DomainEvent } from "../../../schema";
import type { WebhookDeliveryJob } from "../../../schema/jobs";
import type { ReceivedMessage } from "../../fakes/webhook-receiver";

/**
 * The worker's env with queued jobs kept for the test, which runs them with
 * a clock of its choosing: the retry schedule is walked without waiting.
 */
export function capturingEnv() {
  const jobs: { job: WebhookDeliveryJob; delaySeconds: number }[] = [];
  const testEnv = {
    ...env,
    JOBS: {
      send: async (job: WebhookDeliveryJob, options?: QueueSendOptions) => void jobs.push({ job, delaySeconds: options?.delaySeconds ?? 0 }),
      sendBatch: async () => undefined,
    } as unknown as Queue,
  } as typeof env;
  /** Runs every queued job, as the queue would, at `now`; returns their verdicts. */
  async function runQueued(now = Date.now()) {
    const batch = jobs.splice(0);
    const verdicts = [];
    for (const { job } of batch) verdicts.push(await runDeliveryJob(testEnv, job, now));
    return verdicts;
  }
  return { env: testEnv, jobs, runQueued };
}

export const receiverUrl = () => inject("webhookReceiverUrl");

/** A tag of its own on the receiver, and its URL for `kind` (ok, fail, gone, redirect, switch). */
export function receiverTag() {
  const tag = unique("wh");
  return { tag, url: (kind: string) => `${receiverUrl()}/r/${tag}/${kind}` };
}

export async function registerSecret(tag: string, secret: string) {
  const res = await fetch(`${receiverUrl()}/__secret`, { method: "POST", body: JSON.stringify({ tag, secret }) });
  expect(res.status).toBe(200);
}

export async function setStatus(tag: string, status: number) {
  const res = await fetch(`${receiverUrl()}/__status`, { method: "POST", body: JSON.stringify({ tag, status }) });
  expect(res.status).toBe(200);
}

export async function received(tag: string): Promise<ReceivedMessage[]> {
  return (await fetch(`${receiverUrl()}/__received?tag=${encodeURIComponent(tag)}`)).json();
}

export async function createEndpoint(owner: Account, body: Record<string, unknown>) {
  const res = await api("/api/webhooks/endpoints", { token: owner.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { endpoint: { id: string; url: string; events: string[]; enabled: boolean; disabledReason: string | null; updatedAt: number }; secret: string };
}

/** An endpoint on the receiver whose secret the receiver knows. */
export async function receiverEndpoint(owner: Account, kind = "ok", events: string[] = ["*"]) {
  const { tag, url } = receiverTag();
  const created = await createEndpoint(owner, { url: url(kind), events });
  await registerSecret(tag, created.secret);
  return { tag, url, ...created };
}

/** A real contact made through the API, and the event its creation raises. */
export async function contactCreatedEvent(owner: Account): Promise<DomainEvent> {
  const contact = await create<Record<string, unknown> & { id: string }>("/api/contacts", owner.token, { firstName: "Ada", lastName: unique("Lovelace"), email: `${unique("ada")}@example.com` });
  return domainEvent({ orgId: owner.orgId, type: "contact.created", entity: "contact", entityId: contact.id, record: contact, actor: { userId: owner.userId } });
}

export { fanOutEvent };
