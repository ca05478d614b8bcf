import type { Env, AuthContext } from "./env";
import { newId } from "./ids";
import type { DomainEvent, DomainEventType, EventEntity } from "../../schema";
import { DOMAIN_EVENT_JOB, type DomainEventJob } from "../../schema/jobs";

export interface DomainEventInput {
  orgId: string;
  type: DomainEventType;
  entity: EventEntity;
  entityId: string;
  /** The record in its REST shape: after the change, or as it was for deletes. */
  record: Record<string, unknown>;
  previous?: Record<string, unknown> | null;
  context?: Record<string, unknown> | null;
  /** Who acted: a member (with a workflow's origin when a workflow acted), or null for the system and vendors. */
  actor: Pick<AuthContext, "userId" | "origin"> | null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Top-level fields whose values differ; `updatedAt`-style bookkeeping counts too, callers filter if they care. */
export function changedFields(previous: Record<string, unknown> | null | undefined, record: Record<string, unknown>): string[] {
  if (!previous) return [];
  const keys = new Set([...Object.keys(previous), ...Object.keys(record)]);
  return [...keys].filter((k) => !same(previous[k], record[k])).sort();
}

export function domainEvent(input: DomainEventInput, now = Date.now()): DomainEvent {
  return {
    id: newId(),
    orgId: input.orgId,
    type: input.type,
    entity: input.entity,
    entityId: input.entityId,
    actorId: input.actor?.userId ?? null,
    record: input.record,
    previous: input.previous ?? null,
    changed: changedFields(input.previous, input.record),
    origin: input.actor?.origin ?? null,
    context: input.context ?? null,
    occurredAt: now,
  };
}

/**
 * Hands a change to automation (workflows, webhooks, hooks, segments) through
 * the JOBS queue, after the change committed. Awaited by the request, so an
 * acknowledged change has its event queued; a failed send is logged, never
 * undoes the change.
 */
export const publishDomainEvents = (env: Pick<Env, "JOBS">, inputs: DomainEventInput[]): Promise<DomainEvent[]> =>
  sendDomainEvents(env, inputs.map((input) => domainEvent(input)));

/** Queues events already built with `domainEvent`, for publishers that record them somewhere first. */
export async function sendDomainEvents(env: Pick<Env, "JOBS">, events: DomainEvent[]): Promise<DomainEvent[]> {
  if (events.length === 0) return events;
  try {
    // sendBatch takes at most 100 messages.
    for (let i = 0; i < events.length; i += 100) {
      await env.JOBS.sendBatch(
        // One record's events are handled in the order they happened; other records' alongside them.
        events.slice(i, i + 100).map((event) => ({ body: { type: DOMAIN_EVENT_JOB, sequence: `${event.orgId}:${event.entity}:${event.entityId}`, event } satisfies DomainEventJob })),
      );
    }
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "domain events not queued", types: events.map((e) => e.type), err: String(err) }));
  }
  return events;
}

export const publishDomainEvent = async (env: Pick<Env, "JOBS">, input: DomainEventInput): Promise<DomainEvent> =>
  (await publishDomainEvents(env, [input]))[0]!;
