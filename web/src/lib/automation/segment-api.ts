/**
 * Segments as the app reads and saves them: through the typed client, with
 * ids URI-encoded (hc puts path parameters in the path as given), and the
 * live `segment_updated` signal the organization room sends when a
 * membership changes.
 */
import { liveEvents } from '$lib/board/live-events.svelte';
import { authedFetch } from '$lib/api/api-client';
import { ApiError } from '$lib/api/api-response';
import { client, data, page, type DataOf } from '$lib/api/typed-api';
import type { RecordResource } from '$lib/crm/record-types';

const segments = client.api.segments;
const at = (id: string) => segments[':id'];
const param = (id: string) => ({ param: { id: encodeURIComponent(id) } });

export type Segment = DataOf<ReturnType<typeof segments.$get>>[number];
export type SegmentEntity = Segment['entity'];
export type SegmentFilter = Record<string, string>;
export type SegmentMember = { id: string } & Record<string, unknown>;

export const ENTITY_LABELS: Record<SegmentEntity, { one: string; many: string; resource: RecordResource }> = {
	contact: { one: 'contact', many: 'Contacts', resource: 'contacts' },
	company: { one: 'company', many: 'Companies', resource: 'companies' },
	lead: { one: 'lead', many: 'Leads', resource: 'leads' }
};

export const listSegments = () => data(segments.$get());
export const getSegment = (id: string) => data(at(id).$get(param(id)));
export const createSegment = (body: { name: string; description: string | null; entity: SegmentEntity; filter: SegmentFilter }) =>
	data(segments.$post({ json: body }));
export const updateSegment = (id: string, body: { name?: string; description?: string | null; filter?: SegmentFilter }) =>
	data(at(id).$patch({ ...param(id), json: body }));
export const deleteSegment = (id: string) => data(at(id).$delete(param(id)));
export const refreshSegment = (id: string) => data(at(id).refresh.$post(param(id)));
export const previewSegment = (entity: SegmentEntity, filter: SegmentFilter) => data(segments.preview.$post({ json: { entity, filter } }));
export const segmentMembers = (id: string, pageNumber: number, perPage: number) =>
	page(at(id).members.$get({ ...param(id), query: { page: String(pageNumber), per_page: String(perPage) } }));

/** The members as the list's CSV; the route needs the bearer header, so it is fetched and handed over as a blob. */
export async function downloadSegment(segment: Segment) {
	const res = await authedFetch(at(segment.id).export.$url(param(segment.id)));
	if (!res.ok) {
		const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
		throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `Export failed (${res.status})`);
	}
	const url = URL.createObjectURL(await res.blob());
	const a = document.createElement('a');
	a.href = url;
	a.download = `${segment.name.replace(/[^\w-]+/g, '-').toLowerCase() || 'segment'}-${new Date().toISOString().slice(0, 10)}.csv`;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** Calls `listener` whenever a segment's membership changes; returns the unsubscribe function. */
export function onSegmentUpdated(listener: (update: { segmentId: string; memberCount: number; entered: number; left: number }) => void): () => void {
	return liveEvents.onSignal('segment_updated', (event) => listener(event.data));
}
