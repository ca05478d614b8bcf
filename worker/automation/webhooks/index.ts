/**
 * Outbound webhooks: endpoints, signed Standard Webhooks messages with
 * retries, the delivery log and replays. The automation index registers the
 * domain-event consumer (`fanOutEvent`) and the delivery job.
 */
export { webhookRoutes } from "./webhook-routes";
export { queueEndpointDelivery, fanOutEvent } from "./webhook-fanout";
export { runDeliveryJob } from "./webhook-delivery-job";
export { createEndpoint, deleteEndpoint, listEndpoints, requireEndpoint, endpointView, assertEventNames, type WebhookEndpointView } from "./webhook-endpoints";
export { webhookPayload, type WebhookPayload } from "./webhook-payloads";
export { RETRY_DELAYS_MS, nextAttemptAt } from "./webhook-schedule";
