import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { DomainEvent } from "../../../schema";

/** The domain events automation recorded for one organization (optionally one record), oldest first: the queue handles different records' events side by side, so they are logged in any order. */
export async function domainEvents(orgId: string, entityId?: string): Promise<DomainEvent[]> {
  const { results } = await env.DB.prepare(
    `SELECT event FROM automation_events WHERE org_id = ?1 AND (?2 IS NULL OR entity_id = ?2) ORDER BY occurred_at, rowid`,
  )
    .bind(orgId, entityId ?? null)
    .all<{ event: string }>();
  return results.map((r) => JSON.parse(r.event) as DomainEvent);
}

/**
 * Waits until the JOBS queue delivered `count` events for the organization
 * (or the record), then a moment more so that an unexpected extra one shows
 * up too. Answers the events, oldest first.
 */
export async function waitForDomainEvents(orgId: string, count: number, entityId?: string, timeoutMs = 10_000): Promise<DomainEvent[]> {
  const deadline = Date.now() + timeoutMs;
  let events = await domainEvents(orgId, entityId);
  while (events.length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    events = await domainEvents(orgId, entityId);
  }
  expect(events.length, JSON.stringify(events.map((e) => e.type))).toBeGreaterThanOrEqual(count);
  // The queue batches for a short while; what a test expects to be absent must have had its chance to arrive.
  await new Promise((r) => setTimeout(r, 300));
  return domainEvents(orgId, entityId);
}

/** The types of events, in order. */
export const typesOf = (events: DomainEvent[]) => events.map((e) => e.type);
