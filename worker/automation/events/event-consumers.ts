import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { BatchMemo } from "../../platform/job-queue";
import { automationEvents, type DomainEvent } from "../../../schema";

/**
 * What automation does with a domain event, one consumer per part
 * (workflows, webhooks and hooks, segments), each registered beside its
 * service. Every consumer is idempotent by event id, so a redelivered job
 * (the queue delivers at least once) or a retry after one consumer failed
 * repeats nothing.
 */
export type EventConsumer = (env: Env, event: DomainEvent, batch: BatchMemo) => Promise<void>;

const consumers = new Map<string, EventConsumer>();

export function registerEventConsumer(name: string, consumer: EventConsumer): void {
  consumers.set(name, consumer);
}

/** Records the event once (samples and the event log read it), then runs every consumer; one failure retries the job. */
export async function dispatchDomainEvent(env: Env, event: DomainEvent, batch = new BatchMemo()): Promise<void> {
  await orgDb(env, event.orgId)
    .insert(automationEvents)
    .values({ id: event.id, orgId: event.orgId, type: event.type, entity: event.entity, entityId: event.entityId, event, occurredAt: event.occurredAt })
    .onConflictDoNothing();
  const failures: string[] = [];
  for (const [name, consumer] of consumers) {
    try {
      await consumer(env, event, batch);
    } catch (err) {
      failures.push(`${name}: ${String(err)}`);
    }
  }
  if (failures.length) throw new Error(`domain event ${event.id} (${event.type}) failed in ${failures.join("; ")}`);
}
