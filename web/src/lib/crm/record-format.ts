import { ApiError, authedFetch } from '$lib/api/api-client';
import { client, data } from '$lib/api/typed-api';
import type { LeadStatus, RecordResource } from './record-types';

export const personName = (r: { firstName: string; lastName: string }) =>
	[r.firstName, r.lastName].filter(Boolean).join(' ');

/** `lead` → `Lead`; for status values and record labels shown as titles. */
export const capitalize = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

export const RESOURCE_LABELS: Record<RecordResource, { one: string; many: string }> = {
	contacts: { one: 'contact', many: 'contacts' },
	companies: { one: 'company', many: 'companies' },
	leads: { one: 'lead', many: 'leads' }
};

export const LEAD_STATUS_STYLES: Record<LeadStatus, string> = {
	new: 'bg-sky-50 text-sky-700 ring-sky-600/20',
	contacted: 'bg-amber-50 text-amber-700 ring-amber-600/20',
	qualified: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
	unqualified: 'bg-slate-100 text-slate-600 ring-slate-500/20',
	converted: 'bg-violet-50 text-violet-700 ring-violet-600/20'
};

/** The first message of a failed request, field errors first. */
export function errorMessage(err: unknown, fallback = 'Something went wrong.'): string {
	if (err instanceof ApiError) return Object.values(err.fieldErrors)[0] ?? err.message;
	return err instanceof Error ? err.message : fallback;
}

/** Lead score colour: cold, warm, hot. */
export function scoreStyle(score: number | null): string {
	if (score === null) return 'text-slate-400';
	if (score >= 70) return 'text-emerald-700';
	if (score >= 40) return 'text-amber-700';
	return 'text-slate-600';
}

/** Each type's CSV export, which takes the list's filters. */
const EXPORTS: Record<RecordResource, () => URL> = {
	contacts: () => client.api.contacts['export.csv'].$url(),
	companies: () => client.api.companies['export.csv'].$url(),
	leads: () => client.api.leads['export.csv'].$url()
};

/**
 * Download a type's CSV export with the current filters. The route needs the
 * bearer header, so it is fetched and handed over as a blob.
 */
export async function downloadExport(resource: RecordResource, query: Record<string, string | undefined>) {
	const exportUrl = EXPORTS[resource]();
	for (const [k, v] of Object.entries(query)) if (v) exportUrl.searchParams.set(k, v);
	const res = await authedFetch(exportUrl);
	if (!res.ok) {
		const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
		throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `Export failed (${res.status})`);
	}
	const blob = await res.blob();
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = `${resource}-${new Date().toISOString().slice(0, 10)}.csv`;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/**
 * Save a change to a record of any type; its answer is the record as updated.
 * `client.api[resource]` is the three types' routes at once, so the answer is
 * any of theirs, which data() infers from a settled response only. Ids are
 * URI-encoded here because hc puts path parameters in the path as given.
 */
export async function updateRecord(resource: RecordResource, id: string, changes: Record<string, unknown>) {
	return data(await client.api[resource][':id'].$patch({ param: { id: encodeURIComponent(id) }, json: changes }));
}

export async function deleteRecord(resource: RecordResource, id: string) {
	return data(await client.api[resource][':id'].$delete({ param: { id: encodeURIComponent(id) } }));
}

/** Delete or reassign many records, one request each (the API has no bulk route). */
export async function forEachRecord(
	resource: RecordResource,
	ids: string[],
	action: { method: 'DELETE' } | { method: 'PATCH'; body: Record<string, unknown> }
) {
	const results = await Promise.allSettled(
		ids.map((id) => (action.method === 'DELETE' ? deleteRecord(resource, id) : updateRecord(resource, id, action.body)))
	);
	const failed = results
		.map((r, i) => (r.status === 'rejected' ? { id: ids[i]!, error: errorMessage(r.reason) } : null))
		.filter((f): f is { id: string; error: string } => f !== null);
	return { done: ids.length - failed.length, failed };
}
