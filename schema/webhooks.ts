import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { DomainEvent } from "./domain-events";

/**
 * Outbound webhooks (worker/automation/webhooks) signed per the Standard
 * Webhooks specification, and Zapier REST Hook subscriptions, which are
 * endpoints made by `POST /api/hooks` (`source = "rest_hook"`).
 */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    source: text("source", { enum: ["endpoint", "rest_hook"] }).notNull(),
    url: text("url").notNull(),
    description: text("description"),
    /** Event names (`deal.created`, `deal.stage_entered`, …); `["*"]` for every event. */
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** The `whsec_…` signing secret, sealed (worker/platform/crypto.ts); shown once, at creation. */
    secretSealed: text("secret_sealed").notNull(),
    /** Why the endpoint was switched off by the system (a 410, exhausted retries). */
    disabledReason: text("disabled_reason"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_org_idx").on(t.orgId, t.enabled)],
);

export const WEBHOOK_DELIVERY_STATUSES = ["pending", "succeeded", "failed", "cancelled"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One message to one endpoint; its id is the `webhook-id` header, the same on every retry. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The exact JSON body signed and sent. */
    payload: text("payload").notNull(),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    /** Set when a member replays the delivery: a replay is a new attempt series of the same message. */
    replayOf: text("replay_of"),
    createdAt: integer("created_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    // A redelivered event never makes a second message for the same endpoint.
    uniqueIndex("webhook_deliveries_event_idx").on(t.endpointId, t.eventId),
    index("webhook_deliveries_org_idx").on(t.orgId, t.endpointId, t.createdAt),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
  ],
);

export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    deliveryId: text("delivery_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    attempt: integer("attempt").notNull(),
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms").notNull(),
    /** The network or guard error, or the start of the response body. */
    error: text("error"),
    responseBody: text("response_body"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.orgId, t.deliveryId, t.attempt)],
);

/**
 * Every domain event once, by id: the queue may deliver a job twice, and the
 * first insert wins. Recent rows answer Zapier's sample requests; old ones are pruned.
 */
export const automationEvents = sqliteTable(
  "automation_events",
  {
    id: text("id").notNull(),
    orgId: text("org_id").notNull(),
    type: text("type").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id").notNull(),
    event: text("event", { mode: "json" }).$type<DomainEvent>().notNull(),
    occurredAt: integer("occurred_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index("automation_events_type_idx").on(t.orgId, t.type, t.occurredAt),
    index("automation_events_record_idx").on(t.orgId, t.entity, t.entityId, t.occurredAt),
    index("automation_events_age_idx").on(t.occurredAt),
  ],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
