/**
 * Outbound webhooks as the app reads and changes them: through the typed
 * client, ids URI-encoded (hc puts path parameters in the path as given).
 * A secret is in the answer of create and rotate only, so the page that
 * receives it shows it once.
 */
import { client, data, page, withMessage, type DataOf } from '$lib/api/typed-api';

const webhooks = client.api.webhooks;
const endpoint = webhooks.endpoints[':id'];
const delivery = webhooks.deliveries[':id'];
const param = (id: string) => ({ param: { id: encodeURIComponent(id) } });

export type WebhookEndpoint = DataOf<ReturnType<typeof webhooks.endpoints.$get>>[number];
export type WebhookDelivery = DataOf<ReturnType<(typeof webhooks.endpoints)[':id']['deliveries']['$get']>>[number];
export type WebhookDeliveryDetail = DataOf<ReturnType<typeof delivery.$get>>;
export type WebhookDeliveryStatus = WebhookDelivery['status'];

export const listWebhookEndpoints = () => data(webhooks.endpoints.$get());
export const getWebhookEndpoint = (id: string) => data(endpoint.$get(param(id)));
export const createWebhookEndpoint = (body: { url: string; events: string[]; description: string | null }) => data(webhooks.endpoints.$post({ json: body }));
export const updateWebhookEndpoint = (id: string, body: { url?: string; events?: string[]; description?: string | null; enabled?: boolean }) =>
	data(endpoint.$patch({ ...param(id), json: body }));
export const deleteWebhookEndpoint = (id: string) => data(endpoint.$delete(param(id)));
export const rotateWebhookSecret = (id: string) => data(endpoint['rotate-secret'].$post(param(id)));
export const sendWebhookTest = (id: string) => data(endpoint.test.$post(param(id)));
export const webhookDeliveries = (id: string, pageNumber: number, status?: WebhookDeliveryStatus) =>
	page(endpoint.deliveries.$get({ ...param(id), query: { page: String(pageNumber), per_page: '20', ...(status ? { status } : {}) } }));
export const getWebhookDelivery = (id: string) => data(delivery.$get(param(id)));
export const replayWebhookDelivery = (id: string) => withMessage(delivery.replay.$post(param(id)));
