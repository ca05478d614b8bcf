/**
 * The live connection to the signed-in organization's room: the board
 * document (deals, see board.svelte.ts), who is online and what they are
 * looking at (Yjs awareness), and the events the server pushes (custom
 * messages).
 *
 * The board document is also kept in IndexedDB (y-indexeddb, one database per
 * organization), so the board opens and takes edits with no network after one
 * visit; Yjs merges the offline edits when the socket comes back. Members the
 * server restricts to their own records get an event-only socket and never a
 * local copy of the board.
 *
 * The room squashes a board that carries too much history into a new
 * document (a new epoch). The socket claims the local copy's epoch; when the
 * room answers with a reset, the socket waits until the copy is replaced
 * (room-local-copy.svelte.ts) and then syncs the fresh document.
 *
 * One connection per tab; `connect` is idempotent for the same org and user and
 * replaces the connection when either changes. Each (re)connect asks for a
 * fresh access token, because the socket authenticates with `?token=` and a
 * reconnect can happen long after the first token expired.
 */
import YProvider from 'y-partyserver/provider';
import * as Y from 'yjs';
import { getFreshAccessToken } from '$lib/api/api-client';
import { colorFor } from '$lib/ui/format';
import { liveEvents } from './live-events.svelte';
import { forgetLocalBoard } from './local-board';
import { CLOSE } from '$schema/room-events';
import { ORG_ROOM_PARTY } from '$schema/room-names';
import { boardControl } from './room-board-sync';
import { RoomLocalCopy } from './room-local-copy.svelte';
import { AnnouncedFields, cardPeersFrom, presenceFrom, selfPresence, type CardPeer, type Presence, type RoomUser } from './room-presence';

export type { CardPeer, Presence } from './room-presence';

export type RoomStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline';

/** After this many failed attempts in a row we stop saying "reconnecting". */
const OFFLINE_AFTER_FAILURES = 3;

/** The status while `provider` is the connection's (none: stopped), judged from its attempts so far. */
function socketStatus(provider: YProvider | null, everOnline: boolean): RoomStatus {
	if (!navigator.onLine || !provider) return 'offline';
	if (provider.wsconnected) return 'online';
	if (!everOnline && provider.wsUnsuccessfulReconnects === 0) return 'connecting';
	if (provider.wsUnsuccessfulReconnects >= OFFLINE_AFTER_FAILURES) return 'offline';
	return 'reconnecting';
}

/**
 * Calls `online` / `offline` when the browser's network comes and goes;
 * answers the function that stops listening.
 */
function watchNetwork(online: () => void, offline: () => void): () => void {
	window.addEventListener('online', online);
	window.addEventListener('offline', offline);
	return () => {
		window.removeEventListener('online', online);
		window.removeEventListener('offline', offline);
	};
}

/**
 * "board": the shared board document (synced, and kept in IndexedDB);
 * "events": a member restricted to their own records, who only gets events.
 */
export type RoomScope = 'board' | 'events';


class RoomConnection {
	status = $state<RoomStatus>('idle');
	peers = $state<Presence[]>([]);
	/** The organization's board document while connected with scope "board". */
	doc = $state.raw<Y.Doc | null>(null);
	scope = $state<RoomScope>('board');
	/** The server's state has been merged into `doc` since connecting. */
	synced = $state(false);
	/** Who else looks at or drags which card: dealId → peers (self excluded). */
	cardPeers = $state.raw<ReadonlyMap<string, CardPeer[]>>(new Map());

	#provider: YProvider | null = null;
	#doc: Y.Doc | null = null;
	/** The board's local copy; none for scope "events". */
	#copy = $state.raw<RoomLocalCopy | null>(null);
	#organizationId: string | null = null;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#key: string | null = null;
	#user: RoomUser | null = null;
	#announced = new AnnouncedFields();
	#everOnline = false;
	#cleanups: (() => void)[] = [];
	#providerCleanups: (() => void)[] = [];
	#onRevoked: (() => void) | null = null;

	/** Called when the server closes our sockets on purpose. */
	onRevoked(handler: () => void) {
		this.#onRevoked = handler;
	}

	connect(organizationId: string, user: RoomUser, scope: RoomScope = 'board') {
		const key = `${organizationId}:${user.id}:${scope}`;
		if (key === this.#key) return;
		this.disconnect();
		this.#key = key;
		this.#user = user;
		this.#organizationId = organizationId;
		this.#everOnline = false;
		this.status = 'connecting';
		this.scope = scope;

		const doc = new Y.Doc();
		if (scope === 'board') this.#copy = new RoomLocalCopy(organizationId, doc, () => this.#provider);
		else forgetLocalBoard(organizationId);
		this.#doc = doc;
		this.doc = scope === 'board' ? doc : null;

		// The browser knows when the network is gone. Chromium leaves open sockets
		// hanging then (even close() does not finish), so drop the provider and
		// start a fresh one when the network is back; the document stays.
		const onBrowserOnline = () => {
			if (this.#provider) this.#open(this.#provider);
			else this.#startProvider();
			this.#updateOfflineStatus();
		};
		const onBrowserOffline = () => {
			this.#stopProvider();
			this.status = 'offline';
		};
		this.#cleanups.push(watchNetwork(onBrowserOnline, onBrowserOffline));

		if (navigator.onLine) {
			this.#startProvider();
		} else {
			this.status = 'offline';
			this.peers = [selfPresence(user, this.#announced.fields.view)];
		}
	}

	/** The room started a new epoch: no socket until the local copy is replaced, then sync the fresh document. */
	async #resetBoard() {
		const copy = this.#copy;
		if (!copy?.isOpen) return;
		this.#stopProvider();
		this.synced = false;
		await copy.reset((doc) => {
			this.#doc = doc;
			this.doc = doc;
			if (navigator.onLine) this.#startProvider();
			else this.status = 'offline';
		});
	}

	#startProvider() {
		const doc = this.#doc;
		const user = this.#user;
		const organizationId = this.#organizationId;
		const copy = this.#copy;
		// While a reset replaces the local copy, the socket waits for the fresh document.
		if (!doc || !user || !organizationId || copy?.isOpen === false) return;
		const provider = new YProvider(location.host, organizationId, doc, {
			party: ORG_ROOM_PARTY,
			protocol: location.protocol === 'https:' ? 'wss' : 'ws',
			connect: false,
			// Presence must come from the server, which checked the token, not from other tabs.
			disableBc: true,
			maxBackoffTime: 10_000,
			params: async () => {
				const epoch = await this.#copy?.epochParam();
				return { token: await getFreshAccessToken(), ...(epoch === undefined ? {} : { epoch: String(epoch) }) };
			}
		});
		this.#provider = provider;

		provider.awareness.setLocalState({
			user: { id: user.id, name: user.name, color: colorFor(user.id).hex },
			...this.#announced.fields
		});

		const onSynced = (synced: boolean) => {
			this.synced = synced || this.synced;
			if (synced) copy?.synced();
		};
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
			if (event.code === CLOSE.revoked) this.#onRevoked?.();
			if (event.code === CLOSE.boardReset && this.#provider === provider) void this.#resetBoard();
		};
		const onMessage = (text: string) => {
			const control = boardControl(text);
			if (!control) {
				liveEvents.receive(text);
			} else if (control.type === 'board_reset') {
				copy?.noteReset(control.epoch);
			} else if (this.#provider === provider) {
				copy?.confirm(control.epoch, control.seq);
			}
		};
		const onAwareness = () => this.#recomputePeers();

		provider.on('synced', onSynced);
		provider.on('status', onStatus);
		provider.on('connection-close', onClose);
		provider.on('custom-message', onMessage);
		provider.awareness.on('change', onAwareness);
		this.#providerCleanups.push(() => provider.awareness.off('change', onAwareness));

		this.#recomputePeers();
		this.#open(provider);
	}

	#stopProvider() {
		clearTimeout(this.#retryTimer);
		this.#copy?.cancelFlush();
		for (const cleanup of this.#providerCleanups.splice(0)) cleanup();
		const provider = this.#provider;
		this.#provider = null;
		if (provider) {
			// Only our own state: the document is shared with the next provider.
			provider.awareness.destroy();
			provider.destroy();
		}
		this.peers = this.#user ? [selfPresence(this.#user, this.#announced.fields.view)] : [];
		this.cardPeers = new Map();
	}

	/**
	 * Opens the socket. Getting a token can fail (offline with an expired access
	 * token, or the server is unreachable); then try again a little later
	 * rather than giving up, as long as this is still the current connection.
	 */
	#open(provider: YProvider) {
		clearTimeout(this.#retryTimer);
		if (provider.wsconnected) return;
		// Safe while a socket is still closing: the provider then reconnects from its close handler.
		provider.connect().catch(() => {
			if (this.#provider !== provider) return;
			this.#updateOfflineStatus();
			if (this.status !== 'offline') this.status = 'reconnecting';
			this.#retryTimer = setTimeout(() => {
				if (this.#provider === provider && navigator.onLine) this.#open(provider);
			}, 5_000);
		});
	}

	disconnect() {
		for (const cleanup of this.#cleanups.splice(0)) cleanup();
		this.#stopProvider();
		this.#copy?.close();
		this.#copy = null;
		this.#doc?.destroy();
		this.#doc = null;
		this.#key = null;
		this.#user = null;
		this.#organizationId = null;
		this.status = 'idle';
		this.peers = [];
		this.doc = null;
		this.synced = false;
		this.cardPeers = new Map();
	}

	/** The organization the current connection is for. */
	get organizationId() {
		return this.#organizationId;
	}

	/** The local (IndexedDB) copy has been loaded into `doc`. */
	get localLoaded() {
		return this.#copy?.loaded ?? false;
	}

	/** This device has synced this organization's board before, so the local copy is a real board. */
	get hadLocalCopy() {
		return this.#copy?.hadCopy ?? false;
	}

	/** The board document is usable: synced with the server, or a local copy from an earlier visit. */
	get boardReady() {
		return this.synced || (this.localLoaded && this.hadLocalCopy);
	}

	/** Tell others which page this tab shows. */
	setView(path: string) {
		this.#announced.set('view', path, this.#provider?.awareness);
	}

	/** Tell others which card this tab has open, hovers or focuses (null: none). */
	setViewingDeal(dealId: string | null) {
		this.#announced.set('viewingDeal', dealId, this.#provider?.awareness);
	}

	/** Tell others which card this tab is dragging (null: none). */
	setDragging(dealId: string | null) {
		this.#announced.set('dragging', dealId, this.#provider?.awareness);
	}

	#updateOfflineStatus() {
		this.status = socketStatus(this.#provider, this.#everOnline);
	}

	#recomputePeers() {
		const provider = this.#provider;
		const me = this.#user;
		if (!provider || !me) return;
		this.peers = presenceFrom(provider.awareness, me);
		const cardPeers = cardPeersFrom(provider.awareness, me, this.cardPeers);
		if (cardPeers !== this.cardPeers) this.cardPeers = cardPeers;
	}
}

export const room = new RoomConnection();
