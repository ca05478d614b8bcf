import type { RoomEvent, RoomEventType } from '$schema/room-events';

/**
 * Events the organization room pushes to every connected member
 * (`{type, data, at}` JSON over the room socket).
 */

export const LIVE_EVENT_TYPES = [
	'deal_updated',
	'lead_scored',
	'call_started',
	'call_ended',
	'ticket_assigned',
	'notification',
	'ai_insight'
] as const satisfies readonly RoomEventType[];
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

/**
 * Events that keep views in sync (a card left your board, a timeline changed,
 * an import moved on) rather than tell the user something: listeners get
 * them, the activity feed does not.
 */
export const SIGNAL_EVENT_TYPES = [
	'deal_removed',
	'activity_changed',
	'import_progress',
	'ticket_created',
	'ticket_updated',
	'ticket_viewing',
	'ticket_removed',
	'call_updated',
	'queue_updated',
	'agent_status_changed',
	'invoice_updated',
	'workflow_run_updated',
	'segment_updated'
] as const satisfies readonly RoomEventType[];
export type SignalEventType = (typeof SIGNAL_EVENT_TYPES)[number];

/** A signal as the room sent it, its data typed by the room's contract (schema/room-events.ts). */
export type SignalEvent<K extends SignalEventType = SignalEventType> = RoomEvent<K>;

export interface LiveEvent {
	/** Local sequence number, for keyed lists. */
	seq: number;
	type: LiveEventType;
	data: Record<string, unknown>;
	at: string;
}

type Listener = (event: LiveEvent) => void;
type SignalListener = (event: SignalEvent) => void;

const KEEP = 50;

function isLiveEventType(value: unknown): value is LiveEventType {
	return typeof value === 'string' && (LIVE_EVENT_TYPES as readonly string[]).includes(value);
}

function isSignalEventType(value: unknown): value is SignalEventType {
	return typeof value === 'string' && (SIGNAL_EVENT_TYPES as readonly string[]).includes(value);
}

const asData = (data: unknown) => (data && typeof data === 'object' ? (data as Record<string, unknown>) : {});

class LiveEvents {
	/** Newest first. */
	recent = $state<LiveEvent[]>([]);
	#seq = 0;
	#listeners = new Map<LiveEventType | '*', Set<Listener>>();
	#signalListeners = new Map<SignalEventType, Set<SignalListener>>();

	/** Parse a room message; anything that is not a known event is ignored. */
	receive(text: string): LiveEvent | null {
		let parsed: unknown;
		try {
			parsed = JSON.parse(text);
		} catch {
			return null;
		}
		if (!parsed || typeof parsed !== 'object') return null;
		const { type, data, at } = parsed as { type?: unknown; data?: unknown; at?: unknown };
		const when = typeof at === 'string' ? at : new Date().toISOString();
		if (isSignalEventType(type)) {
			const signal = { type, data: asData(data), at: when } as unknown as SignalEvent;
			for (const listener of this.#signalListeners.get(type) ?? []) listener(signal);
			return null;
		}
		if (!isLiveEventType(type)) return null;
		const event: LiveEvent = { seq: ++this.#seq, type, data: asData(data), at: when };
		this.recent = [event, ...this.recent].slice(0, KEEP);
		for (const key of [type, '*'] as const) {
			for (const listener of this.#listeners.get(key) ?? []) listener(event);
		}
		return event;
	}

	on(type: LiveEventType | '*', listener: Listener): () => void {
		let set = this.#listeners.get(type);
		if (!set) this.#listeners.set(type, (set = new Set()));
		set.add(listener);
		return () => set.delete(listener);
	}

	/** Listens to a signal event; returns the unsubscribe function. */
	onSignal<K extends SignalEventType>(type: K, listener: (event: SignalEvent<K>) => void): () => void {
		let set = this.#signalListeners.get(type);
		if (!set) this.#signalListeners.set(type, (set = new Set()));
		const any = listener as SignalListener;
		set.add(any);
		return () => set.delete(any);
	}

	clear() {
		this.recent = [];
	}
}

export const liveEvents = new LiveEvents();

/** A short human line for an event, from whichever fields it carries. */
export function describeEvent(event: LiveEvent): { title: string; detail: string | null } {
	const d = event.data;
	const str = (key: string) => (typeof d[key] === 'string' ? (d[key] as string) : null);
	const detail = str('message') ?? str('body') ?? str('description') ?? str('summary');
	switch (event.type) {
		case 'deal_updated': {
			const deal = d.deal && typeof d.deal === 'object' ? (d.deal as Record<string, unknown>) : {};
			const name = typeof deal.title === 'string' ? deal.title : str('name');
			return { title: `Deal updated${name ? `: ${name}` : ''}`, detail };
		}
		case 'lead_scored': {
			// schema/room-events.ts LeadScored: {record: {type, id, title}, score, previous, …}
			const record = d.record && typeof d.record === 'object' ? (d.record as Record<string, unknown>) : {};
			const what = record.type === 'deal' ? 'Deal' : 'Lead';
			const from = typeof d.previous === 'number' ? ` (was ${d.previous})` : '';
			return {
				title: `${what} scored${typeof d.score === 'number' ? ` ${d.score}${from}` : ''}`,
				detail: typeof record.title === 'string' ? record.title : (detail ?? str('name'))
			};
		}
		case 'call_started':
			return { title: 'Call started', detail: detail ?? str('with') };
		case 'call_ended':
			return { title: 'Call ended', detail: detail ?? str('with') };
		case 'ticket_assigned': {
			const ticket = d.ticket && typeof d.ticket === 'object' ? (d.ticket as Record<string, unknown>) : {};
			const subject = str('subject') ?? (typeof ticket.subject === 'string' ? ticket.subject : null);
			const number = typeof ticket.number === 'number' ? ` #${ticket.number}` : '';
			return { title: `Ticket${number} assigned${subject ? `: ${subject}` : ''}`, detail };
		}
		case 'notification': {
			// Stored notifications (support) arrive as {notification: {title, body}}.
			const n = d.notification && typeof d.notification === 'object' ? (d.notification as Record<string, unknown>) : {};
			const title = str('title') ?? (typeof n.title === 'string' ? n.title : null);
			return { title: title ?? 'Notification', detail: detail ?? (typeof n.body === 'string' ? n.body : null) };
		}
		case 'ai_insight': {
			const record = d.record && typeof d.record === 'object' ? (d.record as Record<string, unknown>) : {};
			const KINDS: Record<string, string> = {
				call_summary: 'Call summary ready',
				ticket_reply_draft: 'Reply drafted',
				deal_at_risk: 'Deal at risk',
				hot_lead: 'Hot lead',
				ticket_escalation: 'Ticket escalated'
			};
			const what = (typeof d.kind === 'string' && KINDS[d.kind]) || 'AI insight';
			return { title: typeof record.title === 'string' ? `${what}: ${record.title}` : what, detail: str('headline') ?? detail };
		}
	}
}
