/**
 * A strongly consistent copy of the access token, for the refresh critical section.
 *
 * localStorage is what tabs read at start-up and what fires `storage` events,
 * but Chromium propagates its writes to other renderer processes
 * asynchronously: a tab that takes the refresh lock right after another tab
 * released it can still read the access token that was just replaced, and
 * would rotate the refresh cookie once more for nothing. IndexedDB
 * transactions are committed in one place, so a read that starts after a
 * committed write sees it. Where IndexedDB is unavailable (or holds nothing)
 * reads resolve to undefined and callers fall back to localStorage.
 */

const DB_NAME = 'neuracrm';
const STORE = 'auth';
const KEY = 'tokens';

let dbPromise: Promise<IDBDatabase | null> | null = null;

function openDb(): Promise<IDBDatabase | null> {
	dbPromise ??= new Promise((resolve) => {
		if (typeof indexedDB === 'undefined') {
			resolve(null);
			return;
		}
		const req = indexedDB.open(DB_NAME, 1);
		req.onupgradeneeded = () => req.result.createObjectStore(STORE);
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => resolve(null);
		req.onblocked = () => resolve(null);
	});
	return dbPromise;
}

/** The last committed value, or undefined when there is none or it cannot be read. */
export async function readDurable<T>(): Promise<T | undefined> {
	const db = await openDb();
	if (!db) return undefined;
	return new Promise((resolve) => {
		const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(KEY);
		req.onsuccess = () => resolve(req.result as T | undefined);
		req.onerror = () => resolve(undefined);
	});
}

/** Resolves once the write is committed (or could not be made). */
export async function writeDurable<T>(value: T | null): Promise<void> {
	const db = await openDb();
	if (!db) return;
	await new Promise<void>((resolve) => {
		const tx = db.transaction(STORE, 'readwrite');
		const store = tx.objectStore(STORE);
		if (value === null) store.delete(KEY);
		else store.put(value, KEY);
		tx.oncomplete = () => resolve();
		tx.onerror = () => resolve();
		tx.onabort = () => resolve();
	});
}
