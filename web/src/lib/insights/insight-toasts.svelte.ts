/** A toast for each `ai_insight` the room sends this member (it only sends those whose record they may see). */
import { describeEvent, liveEvents } from '$lib/board/live-events.svelte';
import { toasts } from '$lib/ui/toasts.svelte';

/** Starts toasting; returns the unsubscribe function (use inside an $effect). */
export function toastInsights(): () => void {
	return liveEvents.on('ai_insight', (event) => {
		const { title, detail } = describeEvent(event);
		toasts.show({ title, description: detail ?? undefined, tone: 'info' });
	});
}
