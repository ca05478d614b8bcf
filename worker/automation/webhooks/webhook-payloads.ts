import type { DomainEvent } from "../../../schema";

/**
 * The body of a webhook message, after the Standard Webhooks convention
 * `{type, timestamp, data}`: `data.object` is the record in the same shape as
 * the REST API answers it, with the record before an update, the changed
 * fields and a named event's facts when there are any.
 */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: {
    object: Record<string, unknown>;
    previous?: Record<string, unknown>;
    changed?: string[];
    context?: Record<string, unknown>;
  };
}

export function webhookPayload(event: DomainEvent): WebhookPayload {
  const data: WebhookPayload["data"] = { object: event.record };
  if (event.previous) data.previous = event.previous;
  if (event.changed.length) data.changed = event.changed;
  if (event.context) data.context = event.context;
  return { type: event.type, timestamp: new Date(event.occurredAt).toISOString(), data };
}

/** What `POST /webhooks/endpoints/{id}/test` sends: a message receivers can tell apart from real events. */
export const TEST_EVENT_TYPE = "webhook.test";

export function testPayload(endpointId: string, now: number): WebhookPayload {
  return {
    type: TEST_EVENT_TYPE,
    timestamp: new Date(now).toISOString(),
    data: { object: { endpointId, message: "A test message from NeuraCRM: your endpoint received and can verify it." } },
  };
}
