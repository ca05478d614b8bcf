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
 * room answers with a reset, the copy is dropped (merging it would bring the
 * old history back), a fresh one syncs, and the changes made here that the
 * room had not confirmed are replayed on it (local-board.ts).
 *
 * One connection per tab; `connect` is idempotent for the same org and user and
 * replaces the connection when either changes. Each (re)connect asks for a
 * fresh access token, because the socket authenticates with `?token=` and a
 * reconnect can happen long after the first token expired.
 */
import { clearDocument } from 'y-indexeddb';
import YProvider from 'y-partyserver/provider';
import * as Y from 'yjs';
import { getFreshAccessToken } from './api';
import { colorFor } from './format';
import { liveEvents } from './live-events.svelte';
import { LocalBoardCopy, localDbName, SYNCED_FLAG_PREFIX, type PendingChanges } from './local-board';
import { BatchedFlush, boardControl, CLOSE_BOARD_RESET } from './room-board-sync';
import { cardPeersFrom, presenceFrom, selfPresence, type CardPeer, type Presence, type RoomUser } from './room-presence';

export type RoomStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline';
export type { CardPeer, Presence } from './room-presence';

/**
 * "board": the shared board document (synced, and kept in IndexedDB);
 * "events": a member restricted to their own records, who only gets events.
 */
export type RoomScope = 'board' | 'events';

/** Close code the room uses when it ends a member's sockets (rooms/events.ts). */
const CLOSE_REVOKED = 4001;

/** After this many failed attempts in a row we stop saying "reconnecting". */
const OFFLINE_AFTER_FAILURES = 3;

class RoomConnection {
	status = $state<RoomStatus>('idle');
	peers = $state<Presence[]>([]);
	/** The organization's board document while connected with scope "board". */
	doc = $state.raw<Y.Doc | null>(null);
	scope = $state<RoomScope>('board');
	/** The local (IndexedDB) copy has been loaded into `doc`. */
	localLoaded = $state(false);
	/** The server's state has been merged into `doc` since connecting. */
	synced = $state(false);
	/** This device has synced this organization's board before, so the local copy is a real board. */
	hadLocalCopy = $state(false);
	/** Who else looks at or drags which card: dealId → peers (self excluded). */
	cardPeers = $state.raw<ReadonlyMap<string, CardPeer[]>>(new Map());

	#provider: YProvider | null = null;
	#doc: Y.Doc | null = null;
	#local: LocalBoardCopy | null = null;
	/** Asks the room to confirm (and so clear) the local changes made so far. */
	#flusher = new BatchedFlush(() => this.#flush());
	/** The epoch the room told us to reset to (before it closes the socket). */
	#resetEpoch: number | null = null;
	/** Changes of a dropped copy, replayed once the fresh copy has synced. */
	#replay: PendingChanges | null = null;
	#organizationId: string | null = null;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#key: string | null = null;
	#user: RoomUser | null = null;
	/** This tab's awareness fields, re-applied to each new provider. */
	#awarenessFields: { view: string; viewingDeal: string | null; dragging: string | null } = {
		view: '/',
		viewingDeal: null,
		dragging: null
	};
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
		const flag = SYNCED_FLAG_PREFIX + organizationId;
		if (scope === 'board') {
			this.hadLocalCopy = localStorage.getItem(flag) !== null;
			this.#openLocal(organizationId, doc);
		} else {
			// Restricted to their own records: never keep (or show) a copy of the whole board.
			localStorage.removeItem(flag);
			void clearDocument(localDbName(organizationId)).catch(() => undefined);
		}
		this.#doc = doc;
		this.doc = scope === 'board' ? doc : null;

		// The browser knows when the network is gone. Chromium leaves open sockets
		// hanging then (even close() does not finish), so drop the provider and
		// start a fresh one when the network is back; the document stays.
		const onBrowserOffline = () => {
			this.#stopProvider();
			this.status = 'offline';
		};
		const onBrowserOnline = () => {
			if (this.#provider) this.#open(this.#provider);
			else this.#startProvider();
			this.#updateOfflineStatus();
		};
		window.addEventListener('online', onBrowserOnline);
		window.addEventListener('offline', onBrowserOffline);
		this.#cleanups.push(() => {
			window.removeEventListener('online', onBrowserOnline);
			window.removeEventListener('offline', onBrowserOffline);
		});

		if (navigator.onLine) {
			this.#startProvider();
		} else {
			this.status = 'offline';
			this.peers = [this.#selfPresence(user)];
		}
	}

	#openLocal(organizationId: string, doc: Y.Doc, carried?: { epoch: number | null; pending: PendingChanges }) {
		const local = new LocalBoardCopy(organizationId, doc, carried);
		this.#local = local;
		local.onChange = () => this.#flusher.schedule();
		local.persistence.whenSynced.then(
			() => {
				if (this.#local === local) this.localLoaded = true;
			},
			() => {
				// No IndexedDB (private mode): the board works online only.
			}
		);
	}

	#flush() {
		const provider = this.#provider;
		const local = this.#local;
		// Before the sync, changes made offline may not have been sent yet: the flush would cover them too early.
		if (!provider?.wsconnected || !provider.synced || !local) return;
		provider.sendMessage(JSON.stringify({ type: 'board_flush', seq: local.seq }));
	}

	/**
	 * The room started a new epoch: drop the local copy, sync a fresh one with
	 * the new epoch and replay the changes the room had not confirmed.
	 */
	async #resetBoard(epoch: number | null) {
		const local = this.#local;
		const organizationId = this.#organizationId;
		if (!local || !organizationId || this.scope !== 'board') return;
		this.#stopProvider();
		this.#local = null;
		const pending = local.pending();
		localStorage.removeItem(SYNCED_FLAG_PREFIX + organizationId);
		this.hadLocalCopy = false;
		this.localLoaded = false;
		this.synced = false;
		await local.drop();
		local.doc.destroy();
		if (this.#organizationId !== organizationId || this.#local) return;
		const doc = new Y.Doc();
		this.#doc = doc;
		this.doc = doc;
		this.#replay = Object.keys(pending).length ? pending : null;
		this.#openLocal(organizationId, doc, { epoch, pending });
		if (navigator.onLine) this.#startProvider();
		else this.status = 'offline';
	}

	#selfPresence(user: RoomUser): Presence {
		return selfPresence(user, this.#awarenessFields.view);
	}

	#startProvider() {
		const doc = this.#doc;
		const user = this.#user;
		const organizationId = this.#organizationId;
		if (!doc || !user || !organizationId) return;
		const scope = this.scope;
		const flag = SYNCED_FLAG_PREFIX + organizationId;
		const provider = new YProvider(location.host, organizationId, doc, {
			party: 'org-room',
			protocol: location.protocol === 'https:' ? 'wss' : 'ws',
			connect: false,
			// Presence must come from the server, which checked the token, not from other tabs.
			disableBc: true,
			maxBackoffTime: 10_000,
			params: async () => {
				const epoch = scope === 'board' ? await this.#local?.epochParam() : undefined;
				return { token: await getFreshAccessToken(), ...(epoch === undefined ? {} : { epoch: String(epoch) }) };
			}
		});
		this.#provider = provider;

		provider.awareness.setLocalState({
			user: { id: user.id, name: user.name, color: colorFor(user.id).hex },
			...this.#awarenessFields
		});

		const onSynced = (synced: boolean) => {
			this.synced = synced || this.synced;
			if (synced && scope === 'board') {
				localStorage.setItem(flag, String(Date.now()));
				this.hadLocalCopy = true;
				const replay = this.#replay;
				this.#replay = null;
				if (replay) this.#local?.replay(replay);
				// Also learns the epoch of a copy that connected without one.
				this.#flush();
			}
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
			if (event.code === CLOSE_REVOKED) this.#onRevoked?.();
			if (event.code === CLOSE_BOARD_RESET && this.#provider === provider) void this.#resetBoard(this.#resetEpoch);
		};
		const onMessage = (text: string) => {
			const control = boardControl(text);
			if (!control) {
				liveEvents.receive(text);
			} else if (control.type === 'board_reset') {
				this.#resetEpoch = control.epoch;
			} else if (this.#provider === provider) {
				this.#local?.confirm(control.epoch, control.seq);
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
		this.#flusher.cancel();
		for (const cleanup of this.#providerCleanups.splice(0)) cleanup();
		const provider = this.#provider;
		this.#provider = null;
		if (provider) {
			// Only our own state: the document is shared with the next provider.
			provider.awareness.destroy();
			provider.destroy();
		}
		this.peers = this.#user ? [this.#selfPresence(this.#user)] : [];
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
		// Closing (not clearing) the local copy: its writes are already in IndexedDB.
		this.#local?.close();
		this.#doc?.destroy();
		this.#doc = null;
		this.#local = null;
		this.#replay = null;
		this.#resetEpoch = null;
		this.#key = null;
		this.#user = null;
		this.#organizationId = null;
		this.status = 'idle';
		this.peers = [];
		this.doc = null;
		this.localLoaded = false;
		this.synced = false;
		this.hadLocalCopy = false;
		this.cardPeers = new Map();
	}

	/** The organization the current connection is for. */
	get organizationId() {
		return this.#organizationId;
	}

	/** The board document is usable: synced with the server, or a local copy from an earlier visit. */
	get boardReady() {
		return this.synced || (this.localLoaded && this.hadLocalCopy);
	}

	#setLocal(field: 'view' | 'viewingDeal' | 'dragging', value: string | null) {
		if (this.#awarenessFields[field] === value) return;
		this.#awarenessFields = { ...this.#awarenessFields, [field]: value };
		this.#provider?.awareness.setLocalStateField(field, value);
	}

	/** Tell others which page this tab shows. */
	setView(path: string) {
		this.#setLocal('view', path);
	}

	/** Tell others which card this tab has open, hovers or focuses (null: none). */
	setViewingDeal(dealId: string | null) {
		this.#setLocal('viewingDeal', dealId);
	}

	/** Tell others which card this tab is dragging (null: none). */
	setDragging(dealId: string | null) {
		this.#setLocal('dragging', dealId);
	}

	#updateOfflineStatus() {
		const provider = this.#provider;
		if (!navigator.onLine || !provider) {
			this.status = 'offline';
		} else if (provider.wsconnected) {
			this.status = 'online';
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
		this.peers = presenceFrom(provider.awareness, me);
		const cardPeers = cardPeersFrom(provider.awareness, me, this.cardPeers);
		if (cardPeers !== this.cardPeers) this.cardPeers = cardPeers;
	}
}

export const room = new RoomConnection();
