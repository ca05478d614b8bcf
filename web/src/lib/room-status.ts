/**
 * What the connection indicator says about the room's socket, and the
 * browser's own network events. Kept apart from the connection
 * (room.svelte.ts) because they read the provider's state without changing it.
 */
import type YProvider from 'y-partyserver/provider';

export type RoomStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline';

/** After this many failed attempts in a row we stop saying "reconnecting". */
const OFFLINE_AFTER_FAILURES = 3;

/** The status while `provider` is the connection's (none: stopped), judged from its attempts so far. */
export function socketStatus(provider: YProvider | null, everOnline: boolean): RoomStatus {
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
export function watchNetwork(online: () => void, offline: () => void): () => void {
	window.addEventListener('online', online);
	window.addEventListener('offline', offline);
	return () => {
		window.removeEventListener('online', online);
		window.removeEventListener('offline', offline);
	};
}
