import { api, ApiError, getFreshAccessToken } from '$lib/api/api-client';
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

/**
 * Download `GET /api/<resource>/export.csv` with the current filters. The
 * route needs the bearer header, so it is fetched and handed over as a blob.
 */
export async function downloadExport(resource: RecordResource, query: Record<string, string | undefined>) {
	const token = await getFreshAccessToken();
	if (!token) throw new ApiError(401, 'unauthorized', 'Please sign in to continue.');
	const params = new URLSearchParams();
	for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
	const qs = params.toString();
	let res: Response;
	try {
		res = await fetch(`/api/${resource}/export.csv${qs ? `?${qs}` : ''}`, {
			headers: { authorization: `Bearer ${token}`, accept: 'text/csv' }
		});
	} catch {
		throw new ApiError(0, 'network_error', 'Could not reach NeuraCRM. Check your connection and try again.');
	}
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

/** Delete or reassign many records, one request each (the API has no bulk route). */
export async function forEachRecord(
	resource: RecordResource,
	ids: string[],
	action: { method: 'DELETE' } | { method: 'PATCH'; body: Record<string, unknown> }
) {
	const results = await Promise.allSettled(
		ids.map((id) => api<unknown>(`/api/${resource}/${encodeURIComponent(id)}`, action))
	);
	const failed = results
		.map((r, i) => (r.status === 'rejected' ? { id: ids[i]!, error: errorMessage(r.reason) } : null))
		.filter((f): f is { id: string; error: string } => f !== null);
	return { done: ids.length - failed.length, failed };
}
