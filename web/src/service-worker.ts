/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />

/**
 * Keeps the app shell on the device so a reload with no network still opens
 * NeuraCRM (the board then comes from IndexedDB, see room.svelte.ts).
 *
 * - Build and static files are cached at install and served cache-first: their
 *   names change with every build, so a cached copy is never stale.
 * - Pages are network-first; offline, every app path gets the cached shell
 *   (the SPA's index.html, whose <meta> CSP travels with it).
 * - /api and /parties are never touched: data and auth stay live, and offline
 *   failures reach the app as network errors it knows how to handle.
 */
import { build, files, version } from '$service-worker';
import { isApiPath } from '$lib/api/api-path';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `neuracrm-shell-${version}`;
const SHELL = '/';
const ASSETS = new Set([...build, ...files]);

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			await cache.addAll([...ASSETS, SHELL]);
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key !== CACHE && key.startsWith('neuracrm-shell-')) await caches.delete(key);
			}
			await sw.clients.claim();
		})()
	);
});

function isLive(url: URL) {
	return isApiPath(url.pathname) || url.pathname.startsWith('/parties/');
}

async function shell(request: Request): Promise<Response> {
	try {
		const response = await fetch(request);
		if (response.ok) {
			const cache = await caches.open(CACHE);
			await cache.put(SHELL, response.clone());
		}
		return response;
	} catch {
		const cached = await caches.match(SHELL);
		return cached ?? Response.error();
	}
}

async function asset(request: Request, url: URL): Promise<Response> {
	const cache = await caches.open(CACHE);
	const cached = await cache.match(url.pathname);
	if (cached) return cached;
	const response = await fetch(request);
	if (response.ok) await cache.put(url.pathname, response.clone());
	return response;
}

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin || isLive(url)) return;
	if (request.mode === 'navigate') {
		event.respondWith(shell(request));
	} else if (ASSETS.has(url.pathname)) {
		event.respondWith(asset(request, url));
	}
});
