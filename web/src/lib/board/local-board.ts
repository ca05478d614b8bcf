/**
 * Where this device keeps each organization's copy of the board: one
 * IndexedDB database per organization (y-indexeddb, with the copy's epoch and
 * unconfirmed changes in its custom store), and a localStorage flag once that
 * copy has synced with the room.
 */
import { IndexeddbPersistence, clearDocument } from 'y-indexeddb';
import * as Y from 'yjs';

const LOCAL_DB_PREFIX = 'neuracrm-org-';
/** localStorage flag: this organization's board has synced at least once on this device. */
export const SYNCED_FLAG_PREFIX = 'neuracrm.boardSynced.';

export function localDbName(organizationId: string) {
	return `${LOCAL_DB_PREFIX}${organizationId}`;
}

/**
 * Forgets this organization's copy on this device (a member restricted to
 * their own records must not keep the whole board).
 */
export function forgetLocalBoard(organizationId: string) {
	localStorage.removeItem(SYNCED_FLAG_PREFIX + organizationId);
	void clearDocument(localDbName(organizationId)).catch(() => undefined);
}

/**
 * Runs a board reset's drop and reopen of the organization's copy while no
 * other tab of this browser runs its own (see `LocalBoardCopy.drop`). Without
 * Web Locks (an insecure origin) tabs do not wait for each other.
 */
export async function withLocalBoardLock(organizationId: string, task: () => Promise<void>): Promise<void> {
	const locks = globalThis.navigator?.locks;
	if (!locks) return task();
	await locks.request(`${localDbName(organizationId)}:reset`, task);
}

/**
 * Deletes every organization's local board copy (on sign-out: the next person
 * at this browser must not find the last one's deals).
 */
export async function clearLocalBoards(): Promise<void> {
	const names = new Set<string>();
	for (let i = 0; i < localStorage.length; i++) {
		const key = localStorage.key(i);
		if (key?.startsWith(SYNCED_FLAG_PREFIX)) names.add(localDbName(key.slice(SYNCED_FLAG_PREFIX.length)));
	}
	try {
		for (const db of (await indexedDB.databases?.()) ?? []) {
			if (db.name?.startsWith(LOCAL_DB_PREFIX)) names.add(db.name);
		}
	} catch {
		// databases() is missing in some browsers; the flags above still name what we stored.
	}
	for (const key of [...names].map((n) => SYNCED_FLAG_PREFIX + n.slice(LOCAL_DB_PREFIX.length))) {
		localStorage.removeItem(key);
	}
	await Promise.all([...names].map((name) => clearDocument(name).catch(() => undefined)));
}

/** A card's fields changed on this device and not yet confirmed applied by the room. */
export interface PendingCard {
	/** The card was created here: replayed as a new card if the room does not have it. */
	created: boolean;
	fields: Record<string, unknown>;
	/** The latest local change to this card; a flush answer at or past it clears the entry. */
	seq: number;
}
export type PendingChanges = Record<string, PendingCard>;

const EPOCH_KEY = 'epoch';
/** y-indexeddb's store for `get` and `set`. */
const CUSTOM_STORE = 'custom';
const PENDING_KEY = 'pending';
/** If IndexedDB does not answer (private mode, broken storage), go on with the board online only. */
const LOCAL_TIMEOUT_MS = 5_000;

/** `work`'s answer, or undefined if it fails or IndexedDB takes too long. */
function settled<T>(work: Promise<T>): Promise<T | undefined> {
	const timeout = new Promise<undefined>((resolve) => setTimeout(resolve, LOCAL_TIMEOUT_MS));
	return Promise.race([work.catch(() => undefined), timeout]);
}

/** The epoch of the copy stored in database `name`; null when none (or no database). */
function storedEpoch(name: string): Promise<number | null> {
	return new Promise((resolve) => {
		const open = indexedDB.open(name);
		// No database: creating it here would leave it without y-indexeddb's stores.
		open.onupgradeneeded = () => open.transaction?.abort();
		open.onerror = () => resolve(null);
		open.onsuccess = () => {
			const db = open.result;
			const done = (epoch: unknown) => {
				db.close();
				resolve(typeof epoch === 'number' ? epoch : null);
			};
			try {
				const get = db.transaction(CUSTOM_STORE, 'readonly').objectStore(CUSTOM_STORE).get(EPOCH_KEY);
				get.onsuccess = () => done(get.result);
				get.onerror = () => done(null);
			} catch {
				done(null);
			}
		};
	});
}

/**
 * This device's copy of an organization's board document (y-indexeddb), with
 * what the room needs to keep it safe across a squash (rooms/board-epoch.ts):
 * the epoch the copy belongs to, and the changes made here that the room has
 * not confirmed yet. When the room starts a new epoch the copy is dropped,
 * and those changes are replayed on the fresh document as plain field sets.
 */
export class LocalBoardCopy {
	readonly doc: Y.Doc;
	readonly persistence: IndexeddbPersistence;
	/** Resolves once the stored copy, epoch and pending changes are loaded (or IndexedDB gave up). */
	readonly ready: Promise<void>;
	/** Called after a local change was recorded. */
	onChange: (() => void) | null = null;
	#epoch: number | null = null;
	#pending: PendingChanges = {};
	#seq = 0;
	#closed = false;
	/** The epoch a reset opened this copy for (see `drop`). */
	readonly #resetTo: number | null;

	constructor(organizationId: string, doc: Y.Doc, carried?: { epoch: number | null; pending: PendingChanges }) {
		this.doc = doc;
		this.#resetTo = carried?.epoch ?? null;
		this.persistence = new IndexeddbPersistence(localDbName(organizationId), doc);
		const load = this.persistence.whenSynced.then(async () => {
			if (carried) {
				this.#epoch = carried.epoch;
				this.#pending = { ...carried.pending, ...this.#pending };
				await this.#save();
				return;
			}
			const [epoch, pending] = await Promise.all([this.persistence.get(EPOCH_KEY), this.persistence.get(PENDING_KEY)]);
			if (typeof epoch === 'number') this.#epoch = epoch;
			if (typeof pending === 'string') this.#pending = { ...(JSON.parse(pending) as PendingChanges), ...this.#pending };
		});
		if (carried) {
			this.#epoch = carried.epoch;
			this.#pending = { ...carried.pending };
		}
		this.#seq = Math.max(0, ...Object.values(this.#pending).map((p) => p.seq));
		this.ready = Promise.race([
			load.catch(() => undefined),
			new Promise<void>((resolve) => setTimeout(resolve, LOCAL_TIMEOUT_MS))
		]).then(() => {
			this.#seq = Math.max(this.#seq, ...Object.values(this.#pending).map((p) => p.seq));
		});
		doc.on('afterTransaction', this.#record);
		// Another tab deleting the database closes this connection, and y-indexeddb would then throw on
		// every edit (before the provider sends it): detach, and keep the changes in this tab only.
		this.persistence._db.then(
			(db) => db.addEventListener('versionchange', () => void this.persistence.destroy()),
			() => undefined
		);
	}

	get epoch() {
		return this.#epoch;
	}

	/** The latest local change; a flush with this number covers everything changed here so far. */
	get seq() {
		return this.#seq;
	}

	get hasPending() {
		return Object.keys(this.#pending).length > 0;
	}

	/**
	 * The epoch to claim when connecting: the copy's own, 0 for a copy made
	 * before epochs existed, none for an empty document (which just syncs).
	 */
	async epochParam(): Promise<number | undefined> {
		await this.ready;
		if (this.#epoch !== null) return this.#epoch;
		return this.doc.store.clients.size > 0 ? 0 : undefined;
	}

	/** The room answered a flush: its epoch, and every change up to `seq` is applied there. */
	confirm(epoch: number, seq: number | null) {
		let changed = false;
		if (this.#epoch !== epoch) {
			this.#epoch = epoch;
			changed = true;
		}
		if (seq !== null) {
			for (const [id, card] of Object.entries(this.#pending)) {
				if (card.seq > seq) continue;
				delete this.#pending[id];
				changed = true;
			}
		}
		if (changed) void this.#save();
	}

	/** The unconfirmed changes, handed over when the copy is dropped. */
	pending(): PendingChanges {
		return structuredClone(this.#pending);
	}

	/**
	 * Applies changes carried over from a dropped copy to this (freshly synced)
	 * document: as plain field sets, judged by the room like any edit. They are
	 * recorded again, so they stay pending until the room confirms them.
	 */
	replay(changes: PendingChanges) {
		this.#pending = {};
		const deals = this.doc.getMap<Y.Map<unknown>>('deals');
		this.doc.transact(() => {
			for (const [id, card] of Object.entries(changes)) {
				const map = deals.get(id);
				if (map instanceof Y.Map) {
					for (const [key, value] of Object.entries(card.fields)) {
						if (JSON.stringify(map.get(key)) !== JSON.stringify(value)) map.set(key, value);
					}
				} else if (card.created) {
					deals.set(id, new Y.Map<unknown>(Object.entries(card.fields)));
				}
			}
		});
		void this.#save();
	}

	#record = (tr: Y.Transaction) => {
		if (!tr.local || this.#closed) return;
		const deals = this.doc.getMap<Y.Map<unknown>>('deals');
		let recorded = false;
		const seq = this.#seq + 1;
		tr.changed.forEach((keys, type) => {
			if ((type as unknown) === deals) {
				for (const id of keys) {
					const map = id === null ? undefined : deals.get(id);
					if (!id || !(map instanceof Y.Map)) continue;
					this.#pending[id] = { created: true, fields: map.toJSON(), seq };
					recorded = true;
				}
			} else if (type.parent === deals && type._item?.parentSub && type instanceof Y.Map) {
				const id = type._item.parentSub;
				const entry = this.#pending[id] ?? { created: false, fields: {}, seq };
				for (const key of keys) if (key !== null && type.has(key)) entry.fields[key] = type.get(key);
				entry.seq = seq;
				this.#pending[id] = entry;
				recorded = true;
			}
		});
		if (!recorded) return;
		this.#seq = seq;
		void this.#save();
		this.onChange?.();
	};

	async #save() {
		if (this.#closed) return;
		try {
			await Promise.all([
				this.#epoch === null ? undefined : this.persistence.set(EPOCH_KEY, this.#epoch),
				this.persistence.set(PENDING_KEY, JSON.stringify(this.#pending))
			]);
		} catch {
			// No IndexedDB: the pending changes live as long as the tab.
		}
	}

	/** Stops tracking and closes the copy (its data stays on the device). */
	close() {
		this.#closed = true;
		this.doc.off('afterTransaction', this.#record);
		void this.persistence.destroy();
	}

	/**
	 * Stops tracking and deletes the copy from the device, unless the database
	 * already holds a copy of `epoch`: the tabs of this organization share it,
	 * and deleting it closes every tab's connection to it, so a tab reset after
	 * another one would take that tab's fresh copy away from it. A second reset
	 * to the same epoch means that copy is bad after all: then it goes too.
	 */
	async drop(epoch: number | null) {
		this.#closed = true;
		this.doc.off('afterTransaction', this.#record);
		await settled(this.persistence.destroy());
		const keep = epoch !== null && epoch !== this.#resetTo;
		if (keep && (await settled(storedEpoch(this.persistence.name))) === epoch) return;
		await settled(clearDocument(this.persistence.name));
	}
}
