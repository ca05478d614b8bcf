import { expect, type Page } from '@playwright/test';
import WebSocket from 'ws';
import YProvider from 'y-partyserver/provider';
import * as Y from 'yjs';
import type { AuthTokens } from './board-helpers';

const CLOSE_BOARD_RESET = 4009;
/** 3 cards × 500 overwrites per batch, ~9 bytes of history each: about 560 KiB, past the 256 KiB floor. */
export const BATCHES = 40;

/** `timeout` for a reconnect, which waits out the socket's backoff (longer on a busy machine). */
export async function expectOnline(page: Page, timeout?: number) {
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online', { timeout });
}

/** The epoch A's IndexedDB copy of the board belongs to (y-indexeddb's custom store). */
export function storedEpoch(page: Page, organizationId: string) {
	return page.evaluate(
		(name) =>
			new Promise<unknown>((resolve) => {
				const open = indexedDB.open(name);
				open.onerror = () => resolve(null);
				open.onsuccess = () => {
					const db = open.result;
					const get = db.transaction('custom').objectStore('custom').get('epoch');
					get.onsuccess = () => resolve(get.result);
					get.onerror = () => resolve(null);
				};
			}),
		`neuracrm-org-${organizationId}`
	);
}

/** A Node Yjs client of the organization room, as any third-party client connects. */
function connectBoard(baseURL: string, auth: AuthTokens) {
	const doc = new Y.Doc();
	const provider = new YProvider(new URL(baseURL).host, auth.organization.id, doc, {
		party: 'org-room',
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: { token: auth.accessToken }
	});
	return { doc, provider };
}

function boardSynced(provider: YProvider) {
	return new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('synced', () => resolve())));
}

/** The room's board as a client with no copy gets it: its encoded size, and its cards. */
export async function roomBoard(baseURL: string, auth: AuthTokens) {
	const { doc, provider } = connectBoard(baseURL, auth);
	await boardSynced(provider);
	const result = { bytes: Y.encodeStateAsUpdate(doc).byteLength, cards: doc.getMap('deals').size };
	provider.destroy();
	return result;
}

/**
 * A teammate's script editing the board through the room the way any Yjs
 * client does: amount overwrites on every card, round after round, until the
 * document carries more history than the room allows and it squashes (the
 * room then closes this socket with the reset code).
 */
export async function churnUntilSquashed(baseURL: string, auth: AuthTokens) {
	const { doc, provider } = connectBoard(baseURL, auth);
	const reset = new Promise<void>((resolve) =>
		provider.on('connection-close', (event: CloseEvent | null) => {
			if (event?.code === CLOSE_BOARD_RESET) resolve();
		})
	);
	await boardSynced(provider);
	const deals = doc.getMap<Y.Map<unknown>>('deals');
	for (let batch = 0; batch < BATCHES; batch++) {
		doc.transact(() => {
			for (let round = 0; round < 500; round++) {
				for (const map of deals.values()) map.set('amount', (map.get('amount') as number) + 1);
			}
		});
	}
	await reset;
	provider.destroy();
}
