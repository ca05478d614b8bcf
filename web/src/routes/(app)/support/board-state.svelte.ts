/**
 * The tickets the board or list shows, kept current by room events: a ticket
 * created, changed or assigned elsewhere is put in, moved or dropped without
 * a reload, by the same filters the server applied.
 */
import { liveEvents } from '$lib/board/live-events.svelte';
import { matchesFilters, type Ticket, type TicketFilters } from '$lib/support/ticket-types';

export function ticketOf(data: Record<string, unknown>): Ticket | null {
	const t = data.ticket;
	return t && typeof t === 'object' && typeof (t as Ticket).id === 'string' ? (t as Ticket) : null;
}

/**
 * Listen for ticket events; `apply` gets the ticket and whether it was deleted.
 * Returns the unsubscribe function.
 */
export function onTicketEvents(apply: (ticket: Ticket, deleted: boolean) => void): () => void {
	const handle = (data: Record<string, unknown>) => {
		const ticket = ticketOf(data);
		if (ticket) apply(ticket, data.deleted === true);
	};
	const offs = [
		liveEvents.onSignal('ticket_created', (e) => handle(e.data)),
		liveEvents.onSignal('ticket_updated', (e) => handle(e.data)),
		liveEvents.on('ticket_assigned', (e) => handle(e.data))
	];
	return () => offs.forEach((off) => off());
}

/**
 * `ticket_removed {id}`: a ticket this member may no longer see (reassigned
 * away when agents see only their own records). Returns the unsubscribe function.
 */
export function onTicketRemoved(apply: (id: string) => void): () => void {
	return liveEvents.onSignal('ticket_removed', ({ data }) => {
		if (typeof data.id === 'string') apply(data.id);
	});
}

/** `list` with `ticket` put in, replaced or removed, as the filters say. Newer copies win. */
export function mergeTicket(
	list: Ticket[],
	ticket: Ticket,
	deleted: boolean,
	filters: TicketFilters,
	me: string | null,
	insert = true
): Ticket[] {
	const index = list.findIndex((t) => t.id === ticket.id);
	const existing = index >= 0 ? list[index] : undefined;
	if (existing && existing.updatedAt > ticket.updatedAt) return list;
	const keep = !deleted && matchesFilters(ticket, filters, me);
	if (index >= 0) {
		return keep ? list.map((t, i) => (i === index ? ticket : t)) : list.filter((_, i) => i !== index);
	}
	return keep && insert ? [ticket, ...list] : list;
}
