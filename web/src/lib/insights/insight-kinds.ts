/** How each kind of insight reads and looks, and where a cited record lives in the app. */
import type { IconName } from '$lib/ui/Icon.svelte';
import type { Evidence, InsightKind } from './insight-api';

export const KIND_LABELS: Record<InsightKind, string> = {
	deal_at_risk: 'Deal at risk',
	hot_lead: 'Hot lead',
	ticket_escalation: 'Escalation',
	call_summary: 'Call summary',
	ticket_reply_draft: 'Reply drafted'
};

export const KIND_STYLES: Record<InsightKind, { badge: string; icon: IconName }> = {
	deal_at_risk: { badge: 'bg-amber-50 text-amber-700 ring-amber-600/20', icon: 'clock' },
	hot_lead: { badge: 'bg-rose-50 text-rose-700 ring-rose-600/20', icon: 'bolt' },
	ticket_escalation: { badge: 'bg-red-50 text-red-700 ring-red-600/20', icon: 'lifebuoy' },
	call_summary: { badge: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20', icon: 'phone' },
	ticket_reply_draft: { badge: 'bg-sky-50 text-sky-700 ring-sky-600/20', icon: 'chat' }
};

/** The kinds a member can filter by, in the order the inbox shows them. */
export const INBOX_KINDS: InsightKind[] = ['deal_at_risk', 'hot_lead', 'ticket_escalation', 'call_summary', 'ticket_reply_draft'];

/** The page a cited record opens; null for evidence with no page of its own (an activity, a comment). */
export function evidenceHref(e: Pick<Evidence, 'type' | 'id'>): string | null {
	const id = encodeURIComponent(e.id);
	switch (e.type) {
		case 'deal':
			return `/deals/${id}`;
		case 'lead':
			return `/leads/${id}`;
		case 'contact':
			return `/contacts/${id}`;
		case 'company':
			return `/companies/${id}`;
		case 'ticket':
			return `/support/tickets/${id}`;
		case 'call':
			return `/calls?call=${id}`;
		default:
			return null;
	}
}
