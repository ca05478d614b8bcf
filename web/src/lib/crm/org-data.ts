/**
 * Organization-wide lists the board and the deal page need (pipelines with
 * their stages, members for owners), remembered on the device for offline use.
 */
import { cached } from '$lib/api/offline-cache';
import { client, data as dataOf } from '$lib/api/typed-api';
import type { Member } from '$lib/identity/identity-types';
import type { Pipeline } from './deal-types';

const MEMBER_PAGE = 100;
const MAX_MEMBER_PAGES = 20;

export async function loadPipelines(): Promise<{ pipelines: Pipeline[]; stale: boolean }> {
	const { data, stale } = await cached(client.api.pipelines.$url().pathname, () => dataOf(client.api.pipelines.$get()));
	return { pipelines: data, stale };
}

/** Every member of the organization (the API pages at 100). */
export async function loadMembers(): Promise<Member[]> {
	const all: Member[] = [];
	for (let page = 1; page <= MAX_MEMBER_PAGES; page++) {
		const { data } = await cached(`${client.api.users.$url().pathname}?page=${page}&per_page=${MEMBER_PAGE}`, () =>
			dataOf(client.api.users.$get({ query: { page: String(page), per_page: String(MEMBER_PAGE) } }))
		);
		all.push(...data);
		if (data.length < MEMBER_PAGE) break;
	}
	return all;
}

/** The pipeline to show: the one asked for, else the remembered one, else the default. */
export function pickPipeline(pipelines: Pipeline[], wanted: string | null): Pipeline | null {
	return (
		(wanted ? pipelines.find((p) => p.id === wanted) : undefined) ??
		pipelines.find((p) => p.isDefault) ??
		pipelines[0] ??
		null
	);
}
