/**
 * The signed-in agent's availability for the softphone: loaded once, then
 * kept current from the room's agent_status_changed events (the server
 * changes it too: busy on a call, wrap-up after one).
 */
import { liveEvents } from './live-events.svelte';
import { errorMessage, loadAgentStatus, putAgentStatus } from './softphone-calls';
import type { AgentStatus } from './telephony';

export class AgentAvailability {
	status = $state<AgentStatus>('offline');
	#onError: (text: string) => void;

	constructor(onError: (text: string) => void) {
		this.#onError = onError;
	}

	/** Starts following `userId`'s availability; returns the unsubscribe. */
	follow(userId: string): () => void {
		// Until it loads the selector shows offline, and still works.
		loadAgentStatus().then((status) => (this.status = status), () => {});
		return liveEvents.onSignal('agent_status_changed', ({ data }) => {
			if (data.userId === userId && typeof data.status === 'string') this.status = data.status as AgentStatus;
		});
	}

	async set(status: AgentStatus) {
		const before = this.status;
		this.status = status;
		try {
			this.status = await putAgentStatus(status);
		} catch (err) {
			this.status = before;
			this.#onError(errorMessage(err, 'Could not change your availability.'));
		}
	}
}
