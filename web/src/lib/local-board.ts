/**
 * Where this device keeps each organization's copy of the board: one
 * IndexedDB database per organization (y-indexeddb), and a localStorage flag
 * once that copy has synced with the room.
 */
import { clearDocument } from 'y-indexeddb';

const LOCAL_DB_PREFIX = 'neuracrm-org-';
/** localStorage flag: this organization's board has synced at least once on this device. */
export const SYNCED_FLAG_PREFIX = 'neuracrm.boardSynced.';

export function localDbName(organizationId: string) {
	return `${LOCAL_DB_PREFIX}${organizationId}`;
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
