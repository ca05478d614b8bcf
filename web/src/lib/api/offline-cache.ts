/**
 * Last-known answers of a few GET endpoints (pipelines, members), so pages
 * that need them still open with no network. Keyed by organization; only used
 * when the request fails for lack of a network, never to hide a server error.
 */
import { ApiError, currentTokens } from './api-client';

const PREFIX = 'neuracrm.cache.';

function keyFor(name: string) {
	const org = currentTokens()?.organizationId ?? 'none';
	return `${PREFIX}${org}:${name}`;
}

export function isNetworkError(err: unknown): boolean {
	return err instanceof ApiError && err.status === 0;
}

/**
 * A typed GET (e.g. `() => data(client.api.pipelines.$get())`); on a network
 * error, the last answer this device saw under `name` (if any).
 */
export async function cached<T>(name: string, load: () => Promise<T>): Promise<{ data: T; stale: boolean }> {
	const key = keyFor(name);
	try {
		const data = await load();
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
