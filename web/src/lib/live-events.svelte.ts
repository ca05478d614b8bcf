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
] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

export interface LiveEvent {
	/** Local sequence number, for keyed lists. */
	seq: number;
	type: LiveEventType;
	data: Record<string, unknown>;
	at: string;
}

type Listener = (event: LiveEvent) => void;

const KEEP = 50;

function isLiveEventType(value: unknown): value is LiveEventType {
	return typeof value === 'string' && (LIVE_EVENT_TYPES as readonly string[]).includes(value);
}

class LiveEvents {
	/** Newest first. */
	recent = $state<LiveEvent[]>([]);
	#seq = 0;
	#listeners = new Map<LiveEventType | '*', Set<Listener>>();

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
		if (!isLiveEventType(type)) return null;
		const event: LiveEvent = {
			seq: ++this.#seq,
			type,
			data: data && typeof data === 'object' ? (data as Record<string, unknown>) : {},
			at: typeof at === 'string' ? at : new Date().toISOString()
		};
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
		case 'lead_scored':
			return {
				title: `Lead scored${typeof d.score === 'number' ? ` ${d.score}` : ''}`,
				detail: detail ?? str('name')
			};
		case 'call_started':
			return { title: 'Call started', detail: detail ?? str('with') };
		case 'call_ended':
			return { title: 'Call ended', detail: detail ?? str('with') };
		case 'ticket_assigned':
			return { title: `Ticket assigned${str('subject') ? `: ${str('subject')}` : ''}`, detail };
		case 'notification':
			return { title: str('title') ?? 'Notification', detail };
		case 'ai_insight':
			return { title: str('title') ?? 'AI insight', detail };
	}
}
