/**
 * One deal's co-edited notes: a Yjs document synced through the deal's room
 * (`/parties/deal-room/<dealId>`), whose `notes` XML fragment Tiptap edits,
 * with cursors and names through awareness.
 *
 * The document is also kept in IndexedDB (`deal-notes:<dealId>`), so notes
 * open, and take edits, with no network after one visit; Yjs merges the
 * offline edits when the socket comes back. Viewers get the same document;
 * the room drops their edits, and the editor does not offer any.
 *
 * The awareness outlives the socket: Chromium can leave a socket hanging
 * when the network goes, so a fresh provider is started when it is back,
 * and the editor's cursor plugin keeps the same awareness throughout.
 */
import { IndexeddbPersistence, clearDocument } from 'y-indexeddb';
import YProvider from 'y-partyserver/provider';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { ApiError, getFreshAccessToken } from '$lib/api/api-client';
import { client, data } from '$lib/api/typed-api';
import { colorFor } from '$lib/ui/format';
import { CLOSE } from '$schema/room-events';
import { DEAL_ROOM_PARTY } from '$schema/room-names';

/** The XML fragment of the deal room's document that holds the notes. */
export const NOTES_FRAGMENT = 'notes';
const LOCAL_DB_PREFIX = 'deal-notes:';
/** Failed handshakes in a row before asking the API whether the deal is still there. */
const PROBE_AFTER_FAILURES = 2;

export function localNotesName(dealId: string) {
	return `${LOCAL_DB_PREFIX}${dealId}`;
}

/**
 * Deletes every deal's local copy of its notes (for sign-out: the next person
 * at this browser must not find the last one's notes).
 */
export async function clearLocalDealNotes(): Promise<void> {
	if (typeof indexedDB === 'undefined' || !indexedDB.databases) return;
	const databases = await indexedDB.databases();
	await Promise.all(
		databases
			.map((d) => d.name)
			.filter((name): name is string => !!name?.startsWith(LOCAL_DB_PREFIX))
			.map((name) => clearDocument(name))
	);
}

/**
 * "missing": the room refused us because the deal is gone, in another
 * organization, or hidden by row-level access (the gate answers 404).
 */
export type NotesConnection = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'missing';

/** What the indicator says about this tab's own edits ("local": kept on this device only, for now). */
export type NotesSaveState = 'loading' | 'saving' | 'saved' | 'local';

export interface NotesUser {
	id: string;
	name: string;
}

/** What the cursor plugin reads from each client's awareness `user` field. */
export interface NotesCursorUser {
	id: string;
	name: string;
	color: string;
}

export class DealNotes {
	connection = $state<NotesConnection>('connecting');
	/** The server's copy has been merged at least once since opening. */
	synced = $state(false);
	/** The IndexedDB copy has been read (or there is none to read). */
	localLoaded = $state(false);
	/** Edits made here that have not yet left for the server. */
	pending = $state(false);

	readonly dealId: string;
	readonly doc = new Y.Doc();
	readonly fragment: Y.XmlFragment;
	readonly awareness: Awareness;
	readonly user: NotesCursorUser;

	#provider: YProvider | null = null;
	#persistence: IndexeddbPersistence | null = null;
	#failures = 0;
	#flushTimer: ReturnType<typeof setTimeout> | undefined;
	#cleanups: (() => void)[] = [];
	#destroyed = false;

	constructor(dealId: string, user: NotesUser) {
		this.dealId = dealId;
		this.fragment = this.doc.getXmlFragment(NOTES_FRAGMENT);
		this.awareness = new Awareness(this.doc);
		this.user = { id: user.id, name: user.name, color: colorFor(user.id).hex };
		this.awareness.setLocalStateField('user', this.user);

		const persistence = new IndexeddbPersistence(localNotesName(dealId), this.doc);
		this.#persistence = persistence;
		persistence.whenSynced.then(
			() => {
				if (!this.#destroyed) this.localLoaded = true;
			},
			() => {
				// No IndexedDB (private mode): the notes work online only.
				if (!this.#destroyed) this.localLoaded = true;
			}
		);

		const onUpdate = (_update: Uint8Array, origin: unknown) => {
			// Remote updates come from a provider, the stored copy from the persistence.
			if (origin instanceof YProvider || origin === persistence) return;
			this.pending = true;
			this.#scheduleFlushCheck();
		};
		this.doc.on('update', onUpdate);
		this.#cleanups.push(() => this.doc.off('update', onUpdate));

		const onOffline = () => {
			this.#stopProvider();
			this.connection = 'offline';
		};
		const onOnline = () => {
			if (!this.#provider) this.#startProvider();
		};
		window.addEventListener('offline', onOffline);
		window.addEventListener('online', onOnline);
		this.#cleanups.push(() => {
			window.removeEventListener('offline', onOffline);
			window.removeEventListener('online', onOnline);
		});

		if (navigator.onLine) this.#startProvider();
		else this.connection = 'offline';
	}

	/** The indicator's state: whether this tab's edits have reached the room. */
	get saveState(): NotesSaveState {
		if (!this.ready) return 'loading';
		if (this.connection === 'online' && this.synced) return this.pending ? 'saving' : 'saved';
		return 'local';
	}

	/** Something to show: the server's copy, or the one kept on this device. */
	get ready() {
		return this.synced || this.localLoaded;
	}

	#startProvider() {
		if (this.#destroyed || this.connection === 'missing') return;
		const provider = new YProvider(location.host, this.dealId, this.doc, {
			party: DEAL_ROOM_PARTY,
			protocol: location.protocol === 'https:' ? 'wss' : 'ws',
			connect: false,
			// Presence must come from the server, which checked the token, not from other tabs.
			disableBc: true,
			maxBackoffTime: 10_000,
			awareness: this.awareness,
			params: async () => ({ token: await getFreshAccessToken() })
		});
		this.#provider = provider;
		this.connection = this.synced ? 'reconnecting' : 'connecting';

		provider.on('status', ({ status }: { status: 'connected' | 'connecting' | 'disconnected' }) => {
			if (this.#provider !== provider) return;
			if (status === 'connected') {
				this.#failures = 0;
				this.connection = 'online';
			} else if (this.connection === 'online') {
				this.connection = 'reconnecting';
			}
		});
		provider.on('synced', (synced: boolean) => {
			if (this.#provider !== provider || !synced) return;
			this.synced = true;
			// Our side of the handshake carries what we wrote while away.
			this.#scheduleFlushCheck();
		});
		provider.on('connection-close', (event: CloseEvent | null) => {
			if (this.#provider !== provider) return;
			const code = event?.code ?? 0;
			// Refusals are not worth a blind reconnect.
			const refused = code === CLOSE.unauthorized || code === CLOSE.forbidden || code === CLOSE.revoked;
			if (!provider.wsconnected || refused) this.#failures++;
			if (this.connection === 'online') this.connection = 'reconnecting';
			// A WebSocket does not say why its handshake failed; the API does.
			if (navigator.onLine && (refused || this.#failures === PROBE_AFTER_FAILURES)) void this.#probe(provider);
		});

		provider.connect().catch(() => {
			// No token (offline with an expired access token): try again on the next "online".
			if (this.#provider === provider) this.connection = navigator.onLine ? 'reconnecting' : 'offline';
		});
	}

	async #probe(provider: YProvider) {
		try {
			await data(client.api.deals[':id'].$get({ param: { id: encodeURIComponent(this.dealId) } }));
		} catch (err) {
			if (this.#provider !== provider || !(err instanceof ApiError) || err.status !== 404) return;
			this.#stopProvider();
			this.connection = 'missing';
			// Nothing left to keep: the deal is gone or no longer visible to us.
			void this.#persistence?.clearData().catch(() => undefined);
			this.#persistence = null;
		}
	}

	#stopProvider() {
		const provider = this.#provider;
		this.#provider = null;
		if (!provider) return;
		provider.destroy();
		// The closed socket no longer speaks for the others' cursors.
		const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
		removeAwarenessStates(this.awareness, others, 'disconnect');
	}

	/**
	 * An edit counts as saved once the room's socket has sent it (the room
	 * appends every accepted update to its storage as it arrives). Offline,
	 * it is saved on this device and stays pending for the room.
	 */
	#scheduleFlushCheck() {
		clearTimeout(this.#flushTimer);
		this.#flushTimer = setTimeout(() => {
			if (this.#destroyed || !this.pending) return;
			const provider = this.#provider;
			const ws = provider?.ws;
			if (!provider?.wsconnected || !provider.synced || !ws) return;
			if (ws.bufferedAmount === 0) this.pending = false;
			else this.#scheduleFlushCheck();
		}, 300);
	}

	destroy() {
		if (this.#destroyed) return;
		this.#destroyed = true;
		clearTimeout(this.#flushTimer);
		for (const cleanup of this.#cleanups.splice(0)) cleanup();
		// Tell the others our cursor is gone while the socket is still open.
		removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroy');
		this.#stopProvider();
		this.awareness.destroy();
		// Closing (not clearing) the local copy: its writes are already in IndexedDB.
		void this.#persistence?.destroy();
		this.#persistence = null;
		this.doc.destroy();
	}
}
