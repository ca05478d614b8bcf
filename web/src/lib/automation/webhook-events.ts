/**
 * The event names an endpoint may hear, grouped by record for the picker.
 * They mirror schema/domain-events.ts (the server refuses any other name).
 */
import { DOMAIN_EVENT_TYPES } from '$schema/domain-events';

export const ALL_EVENTS = '*';

const RECORD_LABELS: Record<string, string> = {
	deal: 'Deals',
	lead: 'Leads',
	contact: 'Contacts',
	company: 'Companies',
	ticket: 'Tickets',
	call: 'Calls',
	invoice: 'Invoices',
	segment: 'Segments'
};

export const EVENT_GROUPS = Object.entries(
	DOMAIN_EVENT_TYPES.reduce<Record<string, string[]>>((groups, type) => {
		const record = type.split('.')[0]!;
		(groups[record] ??= []).push(type);
		return groups;
	}, {})
).map(([record, events]) => ({ record, label: RECORD_LABELS[record] ?? record, events }));

export const describeEvents = (events: string[]) => (events.includes(ALL_EVENTS) ? 'All events' : events.length <= 3 ? events.join(', ') : `${events.slice(0, 2).join(', ')} and ${events.length - 2} more`);

export const successRateLabel = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);
