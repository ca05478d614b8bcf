/**
 * Collision detection on one ticket: tells the room we are viewing or replying
 * (on open, when typing starts and stops, and every HEARTBEAT_MS), and keeps
 * the list of everyone else from their `ticket_viewing` events. An entry not
 * refreshed within STALE_MS is dropped, since a closed laptop never says "left".
 */
import { liveEvents } from '$lib/board/live-events.svelte';
import { sendPresence } from '$lib/support/support-files';

export type Activity = 'viewing' | 'replying';
export interface Viewer {
	userId: string;
	name: string;
	activity: Activity;
	seenAt: number;
}

const HEARTBEAT_MS = 20_000;
const STALE_MS = 45_000;
/** Typing stops counting as "replying" after this long without a keystroke. */
const IDLE_MS = 8_000;

export class TicketPresence {
	viewers = $state<Viewer[]>([]);
	#activity: Activity = 'viewing';
	#idleTimer: ReturnType<typeof setTimeout> | undefined;
	#queue: Promise<void> = Promise.resolve();

	readonly ticketId: string;
	readonly selfId: string | null;

	constructor(ticketId: string, selfId: string | null) {
		this.ticketId = ticketId;
		this.selfId = selfId;
	}

	/**
	 * Start listening and heart-beating; returns the cleanup that says "left".
	 * The first "viewing" goes out from `announce`, once this tab's room socket
	 * is up: others answer a newcomer at once, and an answer sent before the
	 * socket is connected would be lost until the next heartbeat.
	 */
	start(): () => void {
		const off = liveEvents.onSignal('ticket_viewing', (event) => this.#receive(event.data));
		const heartbeat = setInterval(() => this.#send(this.#activity), HEARTBEAT_MS);
		const sweep = setInterval(() => {
			const cutoff = Date.now() - STALE_MS;
			if (this.viewers.some((v) => v.seenAt < cutoff)) this.viewers = this.viewers.filter((v) => v.seenAt >= cutoff);
		}, 5_000);
		const leave = () => this.#send('left');
		window.addEventListener('pagehide', leave);
		return () => {
			off();
			clearInterval(heartbeat);
			clearInterval(sweep);
			clearTimeout(this.#idleTimer);
			window.removeEventListener('pagehide', leave);
			leave();
		};
	}

	/** Says we are here: call whenever the room socket (re)connects. */
	announce() {
		this.#send(this.#activity);
	}

	/** Call on every keystroke in the reply box. */
	typing() {
		clearTimeout(this.#idleTimer);
		this.#idleTimer = setTimeout(() => this.#set('viewing'), IDLE_MS);
		this.#set('replying');
	}

	/** The draft was sent or emptied. */
	stoppedTyping() {
		clearTimeout(this.#idleTimer);
		this.#set('viewing');
	}

	#set(activity: Activity) {
		if (activity === this.#activity) return;
		this.#activity = activity;
		this.#send(activity);
	}

	#send(activity: Activity | 'left') {
		// One at a time, so the room hears them in order: a late "viewing" must not undo "replying".
		this.#queue = this.#queue.then(() =>
			sendPresence(this.ticketId, activity).catch(() => {
				// Best effort: the next heartbeat tries again.
			})
		);
	}

	#receive(data: Record<string, unknown>) {
		if (data.ticketId !== this.ticketId || typeof data.userId !== 'string' || data.userId === this.selfId) return;
		const userId = data.userId;
		if (data.activity === 'left') {
			this.viewers = this.viewers.filter((v) => v.userId !== userId);
			return;
		}
		const activity: Activity = data.activity === 'replying' ? 'replying' : 'viewing';
		const name = typeof data.name === 'string' && data.name ? data.name : 'Someone';
		const known = this.viewers.some((v) => v.userId === userId);
		const entry = { userId, name, activity, seenAt: Date.now() };
		this.viewers = known ? this.viewers.map((v) => (v.userId === userId ? entry : v)) : [...this.viewers, entry];
		// A newcomer has not heard our last heartbeat yet: answer at once so both sides see each other.
		if (!known) this.#send(this.#activity);
	}
}
