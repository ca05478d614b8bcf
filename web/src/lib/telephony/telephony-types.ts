/**
 * Shapes of the telephony API (worker/telephony and worker/agents) and the
 * small formatting helpers the softphone and the calls pages share.
 */
import type { client, DataOf } from '$lib/api/typed-api';

export const CALL_STATUSES = [
	'initiated',
	'queued',
	'ringing',
	'in_progress',
	'on_hold',
	'completed',
	'busy',
	'no_answer',
	'failed',
	'canceled'
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export type CallDirection = 'inbound' | 'outbound' | 'internal';
export const AGENT_STATUSES = ['available', 'busy', 'wrap_up', 'away', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
export const PROVIDER_TYPES = ['twilio', 'asterisk', 'freepbx', '3cx'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];
export const QUEUE_STRATEGIES = ['ring_all', 'round_robin', 'longest_idle'] as const;
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];
export const QUEUE_OVERFLOWS = ['voicemail', 'queue', 'number'] as const;
export type QueueOverflow = (typeof QUEUE_OVERFLOWS)[number];

type Telephony = typeof client.api.telephony;

export type Call = DataOf<ReturnType<Telephony['calls']['$get']>>[number];
export type CallDetail = DataOf<ReturnType<Telephony['calls'][':id']['$get']>>;
export type CallTimelineEntry = CallDetail['timeline'][number];
export type AgentState = DataOf<ReturnType<typeof client.api.agents.$get>>[number];
export type LiveSnapshot = DataOf<ReturnType<Telephony['live']['$get']>>;
export type LiveQueue = LiveSnapshot['queues'][number];
export type LiveAgent = LiveSnapshot['agents'][number];
export type CallQueue = DataOf<ReturnType<Telephony['queues']['$get']>>[number];
export type Extension = DataOf<ReturnType<Telephony['extensions']['$get']>>[number];
export type Provider = DataOf<ReturnType<Telephony['providers']['$get']>>[number];
export type ProviderTest = DataOf<ReturnType<Telephony['providers'][':id']['test']['$post']>>;
export type Analytics = DataOf<ReturnType<Telephony['analytics']['$get']>>;
export type SoftphoneLine = DataOf<ReturnType<Telephony['line']['$get']>>;
export type TwilioToken = DataOf<ReturnType<Telephony['twilio']['token']['$post']>>;

export const FINAL_STATUSES: readonly CallStatus[] = ['completed', 'busy', 'no_answer', 'failed', 'canceled'];

export function isFinal(status: CallStatus): boolean {
	return FINAL_STATUSES.includes(status);
}

export const STATUS_LABELS: Record<CallStatus, string> = {
	initiated: 'Dialing',
	queued: 'Waiting in queue',
	ringing: 'Ringing',
	in_progress: 'In progress',
	on_hold: 'On hold',
	completed: 'Completed',
	busy: 'Busy',
	no_answer: 'No answer',
	failed: 'Failed',
	canceled: 'Canceled'
};

export const STATUS_BADGES: Record<CallStatus, string> = {
	initiated: 'bg-sky-50 text-sky-700 ring-sky-600/20',
	queued: 'bg-amber-50 text-amber-700 ring-amber-600/20',
	ringing: 'bg-sky-50 text-sky-700 ring-sky-600/20',
	in_progress: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
	on_hold: 'bg-violet-50 text-violet-700 ring-violet-600/20',
	completed: 'bg-slate-100 text-slate-700 ring-slate-500/20',
	busy: 'bg-rose-50 text-rose-700 ring-rose-600/20',
	no_answer: 'bg-rose-50 text-rose-700 ring-rose-600/20',
	failed: 'bg-rose-50 text-rose-700 ring-rose-600/20',
	canceled: 'bg-slate-100 text-slate-600 ring-slate-500/20'
};

export const AGENT_LABELS: Record<AgentStatus, string> = {
	available: 'Available',
	busy: 'Busy',
	wrap_up: 'Wrap-up',
	away: 'Away',
	offline: 'Offline'
};

/** Dot colours for availability (full class names, so Tailwind finds them). */
export const AGENT_DOTS: Record<AgentStatus, string> = {
	available: 'bg-emerald-500',
	busy: 'bg-rose-500',
	wrap_up: 'bg-amber-500',
	away: 'bg-slate-400',
	offline: 'bg-slate-300'
};

export const PROVIDER_LABELS: Record<ProviderType, string> = {
	twilio: 'Twilio',
	asterisk: 'Asterisk',
	freepbx: 'FreePBX',
	'3cx': '3CX'
};

export const STRATEGY_LABELS: Record<QueueStrategy, string> = {
	ring_all: 'Ring all',
	round_robin: 'Round robin',
	longest_idle: 'Longest idle'
};

export const OVERFLOW_LABELS: Record<QueueOverflow, string> = {
	voicemail: 'Voicemail',
	queue: 'Another queue',
	number: 'A phone number'
};

export const DISPOSITIONS = [
	'Resolved',
	'Follow-up needed',
	'Interested',
	'Not interested',
	'Left voicemail',
	'Wrong number',
	'Escalated'
] as const;

/** 0:42, 12:05, 1:02:09. */
export function formatDuration(seconds: number): string {
	const s = Math.max(0, Math.round(seconds));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const rest = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** The other party of a call, seen from the CRM. */
export function otherParty(call: Pick<Call, 'direction' | 'from' | 'to'>): string {
	return call.direction === 'outbound' ? call.to : call.from;
}

/** Where the matched record lives in the app, if any. */
export function recordHref(call: Pick<Call, 'contactId' | 'leadId' | 'dealId'>): string | null {
	if (call.contactId) return `/contacts/${call.contactId}`;
	if (call.leadId) return `/leads/${call.leadId}`;
	if (call.dealId) return `/deals/${call.dealId}`;
	return null;
}

/** A call view out of a room event's `data.call`, or null. */
export function callFromEvent(data: Record<string, unknown>): Call | null {
	const call = data.call;
	if (!call || typeof call !== 'object') return null;
	const c = call as Partial<Call>;
	return typeof c.id === 'string' && typeof c.status === 'string' ? (c as Call) : null;
}

/** Newest version wins: events may arrive after a fresher snapshot. */
export function newer(current: Call | undefined, next: Call): boolean {
	return !current || next.version >= current.version;
}
