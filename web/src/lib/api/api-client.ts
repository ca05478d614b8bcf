/**
 * The session behind the typed client (typed-api.ts): the access token, its
 * refresh, and the fetch every API request goes through.
 *
 * The refresh token never reaches this code: the server keeps it in an
 * HttpOnly cookie (every request says `X-Refresh-Transport: cookie`), so a
 * script injected into the page cannot carry it off. The short-lived access
 * token and who it belongs to live in localStorage so every tab shares one
 * session; anything running in the page could mint one through the cookie
 * anyway. Refresh tokens rotate and the server revokes the whole family when
 * a spent one comes back, so refreshes never overlap: within a tab concurrent
 * callers share one promise, and across tabs a Web Lock serialises them while
 * each tab re-reads the access token inside the lock (from IndexedDB, see
 * token-store.ts) to adopt one another tab has just obtained.
 */
import { ApiError, networkError, toApiError, unwrap } from './api-response';
import { readDurable, writeDurable } from './token-store';

export { ApiError, type FieldErrors } from './api-response';

/** The part of a sign-in answer (login, register, refresh, switch, accept) the session keeps. */
interface SignedIn {
	accessToken: string;
	/** Seconds until `accessToken` expires. */
	expiresIn: number;
	user: { id: string };
	organization: { id: string };
}

const STORAGE_KEY = 'neuracrm.auth';
const TRANSPORT = { 'x-refresh-transport': 'cookie' };
const REFRESH_LOCK = 'neuracrm.refresh';
/** Refresh when less than this is left on the access token. */
const REFRESH_MARGIN_MS = 60_000;

export interface StoredTokens {
	accessToken: string;
	/** Epoch milliseconds. */
	expiresAt: number;
	userId: string;
	organizationId: string;
}

/** Why the session ended, for the login page to explain. */
export type SessionEndReason = 'signed-out' | 'expired';

type TokenListener = (tokens: StoredTokens | null, reason?: SessionEndReason) => void;

let tokens: StoredTokens | null = readStored();
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let inflightRefresh: Promise<StoredTokens> | null = null;
const listeners = new Set<TokenListener>();

function readStored(): StoredTokens | null {
	if (typeof localStorage === 'undefined') return null;
	try {
		const raw = localStorage.getItem(STORAGE_KEY);
		if (!raw) return null;
		const parsed = JSON.parse(raw) as Partial<StoredTokens> & { refreshToken?: unknown };
		if ('refreshToken' in parsed) {
			// Left by a version that kept the refresh token here: erase it; that session signs in again.
			localStorage.removeItem(STORAGE_KEY);
			void writeDurable(null);
			return null;
		}
		if (
			typeof parsed.accessToken === 'string' &&
			typeof parsed.expiresAt === 'number' &&
			typeof parsed.userId === 'string' &&
			typeof parsed.organizationId === 'string'
		) {
			return parsed as StoredTokens;
		}
	} catch {
		// corrupt entry: treat as signed out
	}
	return null;
}

function notify(reason?: SessionEndReason) {
	for (const listener of listeners) listener(tokens, reason);
}

function adopt(next: StoredTokens | null, reason?: SessionEndReason) {
	const before = tokens;
	tokens = next;
	scheduleRefresh();
	if (
		before?.accessToken !== next?.accessToken ||
		before?.organizationId !== next?.organizationId
	) {
		notify(reason);
	}
}

/** Subscribe to token changes (sign-in, refresh, org switch, sign-out; this tab or another). */
export function onTokensChange(listener: TokenListener): () => void {
	listeners.add(listener);
	return () => listeners.delete(listener);
}

export function currentTokens(): StoredTokens | null {
	return tokens;
}

/**
 * Store the access token of an AuthResult (login, register, refresh, switch,
 * accept). The returned promise settles when the durable copy is committed.
 */
export function storeAuth(auth: SignedIn): Promise<void> {
	const next: StoredTokens = {
		accessToken: auth.accessToken,
		expiresAt: Date.now() + Math.max(0, auth.expiresIn) * 1000,
		userId: auth.user.id,
		organizationId: auth.organization.id
	};
	localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
	adopt(next);
	return writeDurable(next);
}

export function clearTokens(reason: SessionEndReason = 'signed-out') {
	localStorage.removeItem(STORAGE_KEY);
	void writeDurable(null);
	adopt(null, reason);
}

/** The newest token any tab has stored: IndexedDB when it has one, else localStorage. */
async function readLatest(): Promise<StoredTokens | null> {
	const durable = await readDurable<StoredTokens & { refreshToken?: unknown }>();
	return durable && typeof durable.accessToken === 'string' && !('refreshToken' in durable)
		? durable
		: readStored();
}

function nearExpiry(t: StoredTokens): boolean {
	return t.expiresAt - Date.now() < REFRESH_MARGIN_MS;
}

function scheduleRefresh() {
	clearTimeout(refreshTimer);
	refreshTimer = undefined;
	if (!tokens || typeof window === 'undefined') return;
	const seen = tokens;
	const lifetime = tokens.expiresAt - Date.now();
	// Short-lived tokens (tests) refresh at 80% of their life, long ones a minute early.
	const delay = Math.max(1_000, lifetime - Math.min(REFRESH_MARGIN_MS, lifetime * 0.2));
	refreshTimer = setTimeout(() => {
		refreshTokens(seen).catch(() => {
			// Failures already ended the session or will be retried on the next request.
		});
	}, delay);
}

/**
 * Run `fn` while holding the cross-tab refresh lock. Where Web Locks are
 * missing (insecure origins) the in-tab de-duplication still applies.
 */
async function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
	if (typeof navigator !== 'undefined' && navigator.locks) {
		return await navigator.locks.request(REFRESH_LOCK, fn);
	}
	return fn();
}

/**
 * Exchange the refresh cookie for a new access token (and cookie). `seen` is
 * what the caller found wanting (expiring, or refused); if another tab has
 * refreshed meanwhile, its fresh token is adopted instead of refreshing again.
 */
export function refreshTokens(seen: StoredTokens | null = tokens): Promise<StoredTokens> {
	inflightRefresh ??= withRefreshLock(async () => {
		const current = await readLatest();
		if (!current) {
			adopt(null, 'expired');
			throw new ApiError(401, 'unauthorized', 'Your session has ended. Please sign in again.');
		}
		if (current.accessToken !== seen?.accessToken && !nearExpiry(current)) {
			adopt(current);
			return current;
		}
		let res: Response;
		try {
			res = await fetch('/api/auth/refresh', {
				method: 'POST',
				credentials: 'same-origin',
				headers: { accept: 'application/json', ...TRANSPORT }
			});
		} catch {
			throw networkError();
		}
		if (res.ok) {
			const auth = await unwrap<SignedIn>(res);
			// Commit before the lock is released, so the next tab in line sees the new pair.
			await storeAuth(auth.data);
			return tokens as StoredTokens;
		}
		const error = await toApiError(res);
		// The server refused the refresh cookie itself: the session is over.
		if (res.status === 400 || res.status === 401 || res.status === 403) {
			clearTokens('expired');
		}
		throw error;
	}).finally(() => {
		inflightRefresh = null;
	});
	return inflightRefresh;
}

/** An access token good for at least the refresh margin, or null when signed out. */
export async function getFreshAccessToken(): Promise<string | null> {
	if (!tokens) return null;
	if (!nearExpiry(tokens)) return tokens.accessToken;
	const next = await refreshTokens(tokens);
	return next.accessToken;
}

async function send(input: RequestInfo | URL, init: RequestInit, token: string | null) {
	const headers = new Headers(init.headers);
	headers.set('accept', 'application/json');
	for (const [name, value] of Object.entries(TRANSPORT)) headers.set(name, value);
	if (token) headers.set('authorization', `Bearer ${token}`);
	try {
		return await fetch(input, { ...init, credentials: 'same-origin', headers });
	} catch (err) {
		if (err instanceof DOMException && err.name === 'AbortError') throw err;
		throw networkError();
	}
}

/**
 * `fetch` with the session: a fresh bearer token, and on a 401 (the token was
 * revoked or rotated elsewhere) one refresh and one retry. The typed client
 * (typed-api.ts) sends every authenticated request through it.
 */
export async function authedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
	const token = await getFreshAccessToken();
	if (!token) throw new ApiError(401, 'unauthorized', 'Please sign in to continue.');
	const sentWith = tokens;
	let res = await send(input, init, token);
	if (res.status === 401) {
		const next = await refreshTokens(sentWith);
		res = await send(input, init, next.accessToken);
		if (res.status === 401) {
			const error = await toApiError(res);
			clearTokens('expired');
			throw error;
		}
	}
	return res;
}

/** `fetch` without a bearer token, for the public routes (sign-in, invitations, help center). */
export function publicFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
	return send(input, init, null);
}

function onStorage(event: StorageEvent) {
	if (event.key !== STORAGE_KEY && event.key !== null) return;
	// Another tab signed in, refreshed, switched organization or signed out.
	const next = readStored();
	adopt(next, next ? undefined : 'signed-out');
}

function onVisible() {
	if (document.visibilityState !== 'visible' || !tokens) return;
	// Timers are throttled in background tabs; catch up when the user returns.
	if (nearExpiry(tokens)) {
		refreshTokens(tokens).catch(() => {
			// Ended the session, or the next request retries.
		});
	}
}

if (typeof window !== 'undefined') {
	window.addEventListener('storage', onStorage);
	document.addEventListener('visibilitychange', onVisible);
	scheduleRefresh();
}
