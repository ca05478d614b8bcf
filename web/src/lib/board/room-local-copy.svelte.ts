/**
 * The board's local copy (local-board.ts) over one room connection: opened
 * with it, its changes confirmed by the room in batches, dropped and replaced
 * when the room starts a new epoch, closed with it. Kept apart from the socket
 * (room.svelte.ts) because it only follows what the room answers, whichever
 * provider carried it.
 *
 * On a reset the copy is dropped rather than merged (merging would bring the
 * old history back), a fresh one syncs, and the changes made here that the
 * room had not confirmed are replayed on it once it has synced.
 */
import type { BoardFlush } from '$schema/board-document';
import type YProvider from 'y-partyserver/provider';
import * as Y from 'yjs';
import { LocalBoardCopy, SYNCED_FLAG_PREFIX, withLocalBoardLock, type PendingChanges } from './local-board';
import { BatchedFlush } from './room-board-sync';

export class RoomLocalCopy {
	/** The local (IndexedDB) copy has been loaded into the document. */
	loaded = $state(false);
	/** This device has synced this organization's board before, so the local copy is a real board. */
	hadCopy = $state(false);

	readonly #organizationId: string;
	/** The connection's current provider, if any: flushes go through it. */
	readonly #provider: () => YProvider | null;
	#local: LocalBoardCopy | null = null;
	/** Asks the room to confirm (and so clear) the local changes made so far. */
	#flusher = new BatchedFlush(() => this.flush());
	/** The epoch the room told us to reset to (before it closes the socket). */
	#resetEpoch: number | null = null;
	/** Changes of a dropped copy, replayed once the fresh copy has synced. */
	#replay: PendingChanges | null = null;
	#closed = false;

	constructor(organizationId: string, doc: Y.Doc, provider: () => YProvider | null) {
		this.#organizationId = organizationId;
		this.#provider = provider;
		this.hadCopy = localStorage.getItem(this.#flag) !== null;
		this.#open(doc);
	}

	get #flag() {
		return SYNCED_FLAG_PREFIX + this.#organizationId;
	}

	/** False while a reset replaces the copy. */
	get isOpen() {
		return this.#local !== null;
	}

	/** The epoch to claim when connecting (see `LocalBoardCopy.epochParam`). */
	epochParam(): Promise<number | undefined> {
		return this.#local?.epochParam() ?? Promise.resolve(undefined);
	}

	#open(doc: Y.Doc, carried?: { epoch: number | null; pending: PendingChanges }) {
		const local = new LocalBoardCopy(this.#organizationId, doc, carried);
		this.#local = local;
		local.onChange = () => this.#flusher.schedule();
		local.persistence.whenSynced.then(
			() => {
				if (this.#local === local) this.loaded = true;
			},
			() => {
				// No IndexedDB (private mode): the board works online only.
			}
		);
		return local;
	}

	flush() {
		const provider = this.#provider();
		const local = this.#local;
		// Before the sync, changes made offline may not have been sent yet: the flush would cover them too early.
		if (!provider?.wsconnected || !provider.synced || !local) return;
		const flush: BoardFlush = { type: 'board_flush', seq: local.seq };
		provider.sendMessage(JSON.stringify(flush));
	}

	cancelFlush() {
		this.#flusher.cancel();
	}

	/** The document has the room's state: the copy is a real board now, and carried changes can go on it. */
	synced() {
		localStorage.setItem(this.#flag, String(Date.now()));
		this.hadCopy = true;
		const replay = this.#replay;
		this.#replay = null;
		if (replay) this.#local?.replay(replay);
		// Also learns the epoch of a copy that connected without one.
		this.flush();
	}

	/** The room answered a flush: its epoch, and every change up to `seq` is applied there. */
	confirm(epoch: number, seq: number | null) {
		this.#local?.confirm(epoch, seq);
	}

	/** The room announced a new epoch; its reset closes the socket next. */
	noteReset(epoch: number) {
		this.#resetEpoch = epoch;
	}

	/**
	 * Drops the copy and opens a fresh one, for the epoch the room announced,
	 * on a new document handed to `use` (unless the connection closed meanwhile).
	 */
	async reset(use: (doc: Y.Doc) => void) {
		const local = this.#local;
		if (!local) return;
		this.#local = null;
		const epoch = this.#resetEpoch;
		const pending = local.pending();
		localStorage.removeItem(this.#flag);
		this.hadCopy = false;
		this.loaded = false;
		await withLocalBoardLock(this.#organizationId, async () => {
			await local.drop(epoch);
			local.doc.destroy();
			if (this.#closed) return;
			const doc = new Y.Doc();
			this.#replay = Object.keys(pending).length ? pending : null;
			const fresh = this.#open(doc, { epoch, pending });
			use(doc);
			// Until the new epoch is stored, the next tab to reset would take this copy for an old one.
			await fresh.ready;
		});
	}

	/** Closing (not clearing): the copy's writes are already in IndexedDB. */
	close() {
		this.#closed = true;
		this.#flusher.cancel();
		this.#local?.close();
		this.#local = null;
		this.#replay = null;
		this.#resetEpoch = null;
	}
}
