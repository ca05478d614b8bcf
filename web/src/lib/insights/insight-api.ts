/** The insight inbox as the app reads it: your open insights, and what you do with them (yours alone). */
import { client, data, page, type DataOf } from '$lib/api/typed-api';

type ListCall = ReturnType<typeof client.api.insights.$get>;
export type Insight = DataOf<ListCall>[number];
export type InsightKind = Insight['kind'];
export type InsightRef = Insight['record'];
export type Evidence = Insight['evidence'][number];

export function listInsights(query: { kind?: InsightKind; page?: number; perPage?: number } = {}) {
	return page(
		client.api.insights.$get({
			query: { kind: query.kind, page: String(query.page ?? 1), per_page: String(query.perPage ?? 25) }
		})
	);
}

const param = (id: string) => ({ param: { id: encodeURIComponent(id) } });

export const dismissInsight = (id: string) => data(client.api.insights[':id'].dismiss.$post(param(id)));

export const snoozeInsight = (id: string, hours: number) =>
	data(client.api.insights[':id'].snooze.$post({ ...param(id), json: { hours } }));

export const unsnoozeInsight = (id: string) => data(client.api.insights[':id'].snooze.$delete(param(id)));
