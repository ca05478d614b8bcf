/** Shapes of the support desk API (worker/support), derived from its routes, and their labels. Times are epoch ms. */
import type { InferRequestType } from 'hono/client';
import type { client, DataOf } from '$lib/api/typed-api';

type Support = typeof client.api.support;
type TicketRoute = Support['tickets'][':id'];

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_CHANNELS = ['email', 'web', 'phone', 'chat'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export const SLA_STATES = ['ok', 'breaching_soon', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export type Ticket = DataOf<ReturnType<TicketRoute['$patch']>>;
export type TicketSla = Ticket['sla'];
export type TicketDetail = DataOf<ReturnType<TicketRoute['$get']>>;
export type TicketComment = TicketDetail['comments'][number];
export type TicketAttachment = TicketDetail['attachments'][number];
/** The fields a PATCH may change. */
export type TicketChanges = InferRequestType<TicketRoute['$patch']>['json'];
type TicketListQuery = InferRequestType<Support['tickets']['$get']>['query'];

export type TicketView = DataOf<ReturnType<Support['views']['$get']>>[number];
export type TicketFilters = TicketView['filters'];

export type SupportTeam = DataOf<ReturnType<Support['teams']['$get']>>[number];
export type TeamChanges = InferRequestType<Support['teams'][':id']['$patch']>['json'];
export type HistoryEntry = DataOf<ReturnType<TicketRoute['history']['$get']>>[number];

export type SupportSettings = DataOf<ReturnType<Support['settings']['$get']>>;
export type BusinessCalendar = DataOf<ReturnType<Support['calendar']['$get']>>;
export type SlaPolicy = DataOf<ReturnType<Support['sla-policies']['$get']>>[number];

export const STATUS_LABELS: Record<TicketStatus, string> = {
	new: 'New',
	open: 'Open',
	pending: 'Pending',
	on_hold: 'On hold',
	solved: 'Solved',
	closed: 'Closed'
};

export const STATUS_STYLES: Record<TicketStatus, string> = {
	new: 'bg-sky-50 text-sky-700 ring-sky-600/20',
	open: 'bg-indigo-50 text-indigo-700 ring-indigo-600/20',
	pending: 'bg-amber-50 text-amber-800 ring-amber-600/20',
	on_hold: 'bg-slate-100 text-slate-700 ring-slate-500/20',
	solved: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
	closed: 'bg-slate-100 text-slate-500 ring-slate-400/20'
};

export const STATUS_DOTS: Record<TicketStatus, string> = {
	new: 'bg-sky-500',
	open: 'bg-indigo-500',
	pending: 'bg-amber-500',
	on_hold: 'bg-slate-400',
	solved: 'bg-emerald-500',
	closed: 'bg-slate-300'
};

export const PRIORITY_LABELS: Record<TicketPriority, string> = {
	low: 'Low',
	normal: 'Normal',
	high: 'High',
	urgent: 'Urgent'
};

export const PRIORITY_STYLES: Record<TicketPriority, string> = {
	low: 'bg-slate-100 text-slate-600 ring-slate-500/20',
	normal: 'bg-sky-50 text-sky-700 ring-sky-600/20',
	high: 'bg-orange-50 text-orange-700 ring-orange-600/20',
	urgent: 'bg-rose-50 text-rose-700 ring-rose-600/20'
};

export const CHANNEL_LABELS: Record<TicketChannel, string> = {
	email: 'Email',
	web: 'Web',
	phone: 'Phone',
	chat: 'Chat'
};

export const SLA_LABELS: Record<SlaState, string> = {
	ok: 'On track',
	breaching_soon: 'Breaching soon',
	breached: 'Breached'
};

export const ASSIGNMENT_RULE_LABELS: Record<SupportTeam['assignmentRule'], string> = {
	manual: 'Manual',
	round_robin: 'Round robin',
	least_loaded: 'Least loaded'
};

/** Who asked: the requester's name, else their address. */
export function requesterLabel(t: Pick<Ticket, 'requesterName' | 'requesterEmail'>): string {
	return t.requesterName || t.requesterEmail || 'Unknown requester';
}

/** "2h 05m", "3d 4h", "45s" — the size of a countdown, without its sign. */
export function formatDuration(ms: number): string {
	const abs = Math.abs(ms);
	const s = Math.floor(abs / 1000);
	const d = Math.floor(s / 86_400);
	const h = Math.floor((s % 86_400) / 3600);
	const m = Math.floor((s % 3600) / 60);
	if (d > 0) return `${d}d ${h}h`;
	if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
	if (m > 0) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
	return `${s % 60}s`;
}

/** Minutes as "1h 30m" (analytics medians, SLA targets). */
export function formatMinutes(minutes: number | null): string {
	if (minutes === null || Number.isNaN(minutes)) return '—';
	if (minutes < 1) return '< 1m';
	return formatDuration(Math.round(minutes) * 60_000).replace(/ 00s$/, '').replace(/ 00m$/, '');
}

export function formatBytes(size: number): string {
	if (size < 1024) return `${size} B`;
	if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
	return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** The query string form of filters, for the ticket list. */
export function filterQuery(filters: TicketFilters): TicketListQuery {
	return {
		status: filters.status?.length ? filters.status.join(',') : undefined,
		priority: filters.priority?.length ? filters.priority.join(',') : undefined,
		channel: filters.channel?.length ? filters.channel.join(',') : undefined,
		assigneeId: filters.assigneeId || undefined,
		teamId: filters.teamId || undefined,
		sla: filters.sla || undefined,
		tag: filters.tag || undefined,
		q: filters.q?.trim() || undefined,
		sort: filters.sort || undefined
	};
}

/** Whether a ticket (e.g. one that just arrived live) belongs in a list with these filters. */
export function matchesFilters(t: Ticket, f: TicketFilters, me: string | null): boolean {
	if (t.mergedIntoId) return false;
	if (f.status?.length && !f.status.includes(t.status)) return false;
	if (f.priority?.length && !f.priority.includes(t.priority)) return false;
	if (f.channel?.length && !f.channel.includes(t.channel)) return false;
	if (f.assigneeId === 'unassigned' && t.assigneeId) return false;
	if (f.assigneeId === 'me' && t.assigneeId !== me) return false;
	if (f.assigneeId && f.assigneeId !== 'me' && f.assigneeId !== 'unassigned' && t.assigneeId !== f.assigneeId) return false;
	if (f.teamId && t.teamId !== f.teamId) return false;
	if (f.sla && t.sla.state !== f.sla) return false;
	if (f.tag && !t.tags.includes(f.tag)) return false;
	if (f.q?.trim()) {
		const hay = `${t.number} ${t.subject} ${t.description} ${t.requesterName ?? ''} ${t.requesterEmail ?? ''}`.toLowerCase();
		if (!f.q.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w))) return false;
	}
	return true;
}
