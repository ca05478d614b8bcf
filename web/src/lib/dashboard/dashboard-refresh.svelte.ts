/**
 * Keeps the dashboard live: the room's events that can move one of its
 * numbers trigger one debounced re-read, so a burst of changes (an import,
 * a board drag) costs a single request.
 */
import { liveEvents, type LiveEventType, type SignalEventType } from '$lib/board/live-events.svelte';

const LIVE: LiveEventType[] = ['deal_updated', 'lead_scored', 'call_started', 'call_ended', 'ticket_assigned', 'ai_insight'];
const SIGNALS: SignalEventType[] = ['deal_removed', 'activity_changed', 'ticket_created', 'ticket_updated', 'ticket_removed', 'call_updated'];
const DEBOUNCE_MS = 700;

/** Calls `refetch` after the room goes quiet for a moment; returns the unsubscribe function (use inside an $effect). */
export function refreshOnChange(refetch: () => void): () => void {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const soon = () => {
		clearTimeout(timer);
		timer = setTimeout(refetch, DEBOUNCE_MS);
	};
	const stops = [...LIVE.map((t) => liveEvents.on(t, soon)), ...SIGNALS.map((t) => liveEvents.onSignal(t, soon))];
	return () => {
		clearTimeout(timer);
		stops.forEach((stop) => stop());
	};
}
