/**
 * The live connection to the signed-in organization's room: who is online
 * (Yjs awareness) and the events the server pushes (custom messages).
 *
 * One connection per tab; `connect` is idempotent for the same org and user and
 * replaces the connection when either changes. Each (re)connect asks for a
 * fresh access token, because the socket authenticates with `?token=` and a
 * reconnect can happen long after the first token expired.
 */
import YProvider from 'y-partyserver/provider';
import * as Y from 'yjs';
import { getFreshAccessToken } from './api';
import { colorFor } from './format';
import { liveEvents } from './live-events.svelte';

export type RoomStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline';

/** One signed-in person, however many tabs they have open. */
export interface Presence {
	userId: string;
	name: string;
	color: string;
	/** Path of the page they last looked at. */
	view: string;
	isSelf: boolean;
}

interface AwarenessState {
	user?: { id?: unknown; name?: unknown; color?: unknown };
	view?: unknown;
}

interface RoomUser {
	id: string;
	name: string;
}

/** Close code the room uses when it ends a member's sockets (rooms/events.ts). */
const CLOSE_REVOKED = 4001;

/** After this many failed attempts in a row we stop saying "reconnecting". */
const OFFLINE_AFTER_FAILURES = 3;

class RoomConnection {
	status = $state<RoomStatus>('idle');
	peers = $state<Presence[]>([]);

	#provider: YProvider | null = null;
	#doc: Y.Doc | null = null;
	#key: string | null = null;
	#user: RoomUser | null = null;
	#view = '/';
	#everOnline = false;
	#cleanups: (() => void)[] = [];
	#onRevoked: (() => void) | null = null;

	/** Called when the server closes our sockets on purpose. */
	onRevoked(handler: () => void) {
		this.#onRevoked = handler;
	}

	connect(organizationId: string, user: RoomUser) {
		const key = `${organizationId}:${user.id}`;
		if (key === this.#key) return;
		this.disconnect();
		this.#key = key;
		this.#user = user;
		this.#everOnline = false;
		this.status = 'connecting';

		const doc = new Y.Doc();
		const provider = new YProvider(location.host, organizationId, doc, {
			party: 'org-room',
			protocol: location.protocol === 'https:' ? 'wss' : 'ws',
			connect: false,
			// Presence must come from the server, which checked the token, not from other tabs.
			disableBc: true,
			maxBackoffTime: 10_000,
			params: async () => ({ token: await getFreshAccessToken() })
		});
		this.#doc = doc;
		this.#provider = provider;

		provider.awareness.setLocalState({
			user: { id: user.id, name: user.name, color: colorFor(user.id).hex },
			view: this.#view
		});

		const onStatus = ({ status }: { status: 'connected' | 'connecting' | 'disconnected' }) => {
			if (status === 'connected') {
				this.#everOnline = true;
				this.status = 'online';
			} else {
				this.#updateOfflineStatus();
			}
		};
		const onClose = (event: CloseEvent) => {
			this.#updateOfflineStatus();
			// The server ended this member's sockets (role changed, removed, signed out):
			// re-read who we are before the provider reconnects.
			if (event.code === CLOSE_REVOKED) this.#onRevoked?.();
		};
		const onMessage = (text: string) => {
			liveEvents.receive(text);
		};
		const onAwareness = () => this.#recomputePeers();
		const onBrowserNetwork = () => this.#updateOfflineStatus();

		provider.on('status', onStatus);
		provider.on('connection-close', onClose);
		provider.on('custom-message', onMessage);
		provider.awareness.on('change', onAwareness);
		window.addEventListener('online', onBrowserNetwork);
		window.addEventListener('offline', onBrowserNetwork);
		this.#cleanups.push(() => {
			window.removeEventListener('online', onBrowserNetwork);
			window.removeEventListener('offline', onBrowserNetwork);
		});

		this.#recomputePeers();
		provider.connect().catch(() => {
			// No token (signed out meanwhile): the session handler tears the room down.
			this.status = 'offline';
		});
	}

	disconnect() {
		for (const cleanup of this.#cleanups.splice(0)) cleanup();
		this.#provider?.destroy();
		this.#doc?.destroy();
		this.#provider = null;
		this.#doc = null;
		this.#key = null;
		this.#user = null;
		this.status = 'idle';
		this.peers = [];
	}

	/** Tell others which page this tab shows. */
	setView(path: string) {
		this.#view = path;
		this.#provider?.awareness.setLocalStateField('view', path);
	}

	#updateOfflineStatus() {
		const provider = this.#provider;
		if (!provider) return;
		if (provider.wsconnected) {
			this.status = 'online';
		} else if (!navigator.onLine) {
			this.status = 'offline';
		} else if (!this.#everOnline && provider.wsUnsuccessfulReconnects === 0) {
			this.status = 'connecting';
		} else if (provider.wsUnsuccessfulReconnects >= OFFLINE_AFTER_FAILURES) {
			this.status = 'offline';
		} else {
			this.status = 'reconnecting';
		}
	}

	#recomputePeers() {
		const provider = this.#provider;
		const me = this.#user;
		if (!provider || !me) return;
		const byUser = new Map<string, Presence & { updated: number }>();
		for (const [clientId, raw] of provider.awareness.getStates()) {
			const state = raw as AwarenessState;
			const id = state.user?.id;
			if (typeof id !== 'string') continue;
			const name = typeof state.user?.name === 'string' ? state.user.name : 'Someone';
			const updated = provider.awareness.meta.get(clientId)?.lastUpdated ?? 0;
			const existing = byUser.get(id);
			if (existing && existing.updated >= updated) continue;
			byUser.set(id, {
				userId: id,
				name,
				color: colorFor(id).hex,
				view: typeof state.view === 'string' ? state.view : '/',
				isSelf: id === me.id,
				updated
			});
		}
		this.peers = [...byUser.values()]
			.map(({ updated: _updated, ...presence }) => presence)
			.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name));
	}
}

export const room = new RoomConnection();
