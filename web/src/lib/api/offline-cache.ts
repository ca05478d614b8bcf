/**
 * Last-known answers of a few GET endpoints (pipelines, members), so pages
 * that need them still open with no network. Keyed by organization; only used
 * when the request fails for lack of a network, never to hide a server error.
 */
import { api, ApiError, currentTokens, type RequestOptions } from './api-client';

const PREFIX = 'neuracrm.cache.';

function keyFor(path: string, query: RequestOptions['query']) {
	const org = currentTokens()?.organizationId ?? 'none';
	const qs = query
		? Object.entries(query)
				.filter(([, v]) => v !== undefined)
				.map(([k, v]) => `${k}=${v}`)
				.join('&')
		: '';
	return `${PREFIX}${org}:${path}${qs ? `?${qs}` : ''}`;
}

export function isNetworkError(err: unknown): boolean {
	return err instanceof ApiError && err.status === 0;
}

/** GET through the API; on a network error, the last answer this device saw (if any). */
export async function cachedApi<T>(
	path: string,
	query?: RequestOptions['query']
): Promise<{ data: T; stale: boolean }> {
	const key = keyFor(path, query);
	try {
		const data = await api<T>(path, { query });
		try {
			localStorage.setItem(key, JSON.stringify(data));
		} catch {
			// Storage full or blocked: the app still works online.
		}
		return { data, stale: false };
	} catch (err) {
		if (!isNetworkError(err)) throw err;
		const raw = localStorage.getItem(key);
		if (raw === null) throw err;
		return { data: JSON.parse(raw) as T, stale: true };
	}
}

/** Forget every cached answer (sign-out). */
export function clearOfflineCache() {
	const keys: string[] = [];
	for (let i = 0; i < localStorage.length; i++) {
		const key = localStorage.key(i);
		if (key?.startsWith(PREFIX)) keys.push(key);
	}
	for (const key of keys) localStorage.removeItem(key);
}
