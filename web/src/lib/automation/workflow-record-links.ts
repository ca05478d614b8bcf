/** Where a run's record lives in the app. */
import type { EventEntity } from '$schema/domain-events';

export function recordHref(entity: EventEntity | string | null, id: string | null): string | null {
	if (!entity || !id) return null;
	const e = encodeURIComponent(id);
	switch (entity) {
		case 'deal':
			return `/deals/${e}`;
		case 'lead':
			return `/leads/${e}`;
		case 'contact':
			return `/contacts/${e}`;
		case 'company':
			return `/companies/${e}`;
		case 'ticket':
			return `/support/tickets/${e}`;
		case 'call':
			return `/calls?call=${e}`;
		case 'invoice':
			return `/finance/invoices/${e}`;
		default:
			return null;
	}
}

/** The record kind of a CRM list resource (`companies` → `company`). */
export function entityOfResource(resource: 'contacts' | 'companies' | 'leads'): EventEntity {
	return resource === 'companies' ? 'company' : resource === 'contacts' ? 'contact' : 'lead';
}
