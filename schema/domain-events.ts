/**
 * What happened to a record, as automation sees it: the one shape that flows
 * from the features that change records (through `worker/platform/domain-events.ts`
 * and the JOBS queue) to workflows, outbound webhooks, Zapier hooks and segments.
 */

/** The record kinds that raise events. */
export const EVENT_ENTITIES = ["deal", "lead", "contact", "company", "ticket", "call", "invoice"] as const;
export type EventEntity = (typeof EVENT_ENTITIES)[number];

/** Named events beyond create/update/delete. `segment.*` carry the contact, company or lead that entered or left. */
export const NAMED_EVENTS = ["deal.stage_entered", "ticket.sla_breached", "call.missed", "invoice.paid", "segment.entered", "segment.left"] as const;
export type NamedEvent = (typeof NAMED_EVENTS)[number];

export type RecordEventType = `${EventEntity}.${"created" | "updated" | "deleted"}`;
export type DomainEventType = RecordEventType | NamedEvent;

export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = [
  ...EVENT_ENTITIES.flatMap((e) => [`${e}.created`, `${e}.updated`, `${e}.deleted`] as RecordEventType[]),
  ...NAMED_EVENTS,
];

export const isDomainEventType = (value: string): value is DomainEventType => (DOMAIN_EVENT_TYPES as readonly string[]).includes(value);

/**
 * Set on every change a workflow's action makes (carried by the acting
 * `AuthContext`), so the event it raises names the workflows that led to it:
 * the loop guard refuses a workflow already in `chain` or a chain too deep.
 */
export interface EventOrigin {
  workflowId: string;
  runId: string;
  /** Workflow ids from the first run to this one, in order. */
  chain: string[];
}

export interface DomainEvent {
  /** uuidv7: unique, time-ordered; the webhook message id and the idempotency key of everything it starts. */
  id: string;
  orgId: string;
  type: DomainEventType;
  entity: EventEntity;
  entityId: string;
  /** The member who made the change (a workflow's owner for workflow actions); null for the system and vendors. */
  actorId: string | null;
  /** The record in the same shape its REST API answers with: after the change (as it was, for deletes). */
  record: Record<string, unknown>;
  /** The record before an update; null for creates, deletes and named events. */
  previous: Record<string, unknown> | null;
  /** Top-level fields whose values differ between `previous` and `record`. */
  changed: string[];
  origin: EventOrigin | null;
  /** Facts of named events, e.g. `{stageId, pipelineId}`, `{segmentId, segmentName}`, `{paymentId}`. */
  context: Record<string, unknown> | null;
  occurredAt: number;
}
