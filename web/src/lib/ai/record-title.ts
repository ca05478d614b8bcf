/** The name of the record a page shows, for the assistant's "Asking about" chip. */
import { client, data } from '$lib/api/typed-api';
import { personName } from '$lib/crm/record-format';
import type { AiPageContext } from '$schema/ai';

export async function recordTitle(type: NonNullable<AiPageContext['recordType']>, id: string): Promise<string | null> {
	const param = { id: encodeURIComponent(id) };
	switch (type) {
		case 'deal':
			return (await data(client.api.deals[':id'].$get({ param }))).title;
		case 'contact':
			return personName(await data(client.api.contacts[':id'].$get({ param })));
		case 'company':
			return (await data(client.api.companies[':id'].$get({ param }))).name;
		case 'lead':
			return personName(await data(client.api.leads[':id'].$get({ param })));
		case 'ticket': {
			const ticket = await data(client.api.support.tickets[':id'].$get({ param }));
			return `#${ticket.number} ${ticket.subject}`;
		}
		case 'call': {
			const call = await data(client.api.telephony.calls[':id'].$get({ param }));
			return `Call ${call.direction === 'outbound' ? 'to' : 'from'} ${call.direction === 'outbound' ? call.to : call.from}`;
		}
		default:
			return null;
	}
}
