/**
 * Naming a caller for the softphone (softphone.svelte.ts): plain API
 * look-ups, no state.
 */
import { api } from './api';
import type { Call } from './telephony';

export interface CallerPop {
	number: string;
	name: string | null;
	href: string | null;
	/** Still looking the number up. */
	looking: boolean;
}

/**
 * Who is calling, from what the server already matched: Twilio's Client
 * parameters (callerName, contactId, leadId) or the call record's match.
 */
export function callerPop(number: string, call: Call | null, custom?: Map<string, string>): CallerPop {
	const contactId = custom?.get('contactId') ?? call?.contactId ?? null;
	const leadId = custom?.get('leadId') ?? call?.leadId ?? null;
	const name = custom?.get('callerName') ?? call?.partyName ?? null;
	const href = contactId ? `/contacts/${contactId}` : leadId ? `/leads/${leadId}` : null;
	return { number, name, href, looking: !href && !call };
}

/** The server has not matched the caller (yet): search the contacts ourselves. */
export async function lookUpCaller(pop: CallerPop): Promise<CallerPop> {
	try {
		const found = await api<{ id: string; firstName: string; lastName: string }[]>('/api/contacts', {
			query: { q: pop.number, per_page: 1 }
		});
		const hit = found[0];
		return hit
			? { number: pop.number, name: `${hit.firstName} ${hit.lastName}`.trim(), href: `/contacts/${hit.id}`, looking: false }
			: { ...pop, looking: false };
	} catch {
		return { ...pop, looking: false };
	}
}
