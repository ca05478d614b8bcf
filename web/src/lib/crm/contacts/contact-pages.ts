/** The contact list and the contact page. */
import { client, data, page } from '$lib/api/typed-api';
import { nullable, type RecordListSpec } from '$lib/crm/record-columns';
import { optional, required, type RecordDetailSpec } from '$lib/crm/record-detail/record-detail-spec';
import { personName } from '$lib/crm/record-format';
import type { ContactDetail, ContactRow, NewContact } from '$lib/crm/record-types';
import ContactCompanyField from './ContactCompanyField.svelte';
import ContactSubtitle from './ContactSubtitle.svelte';

const contacts = client.api.contacts;

export const contactList: RecordListSpec<ContactRow> = {
	resource: 'contacts',
	list: (query) => page(contacts.$get({ query })),
	create: (body) => data(contacts.$post({ json: body as NewContact })),
	title: 'Contacts',
	description: 'The people you sell to, with their company and owner.',
	columns: [
		{ key: 'name', label: 'Name', kind: 'primary', sort: 'name', value: personName, subtitle: (c) => c.title },
		{ key: 'company', label: 'Company', kind: 'text', value: (c) => c.companyName ?? '' },
		{ key: 'email', label: 'Email', kind: 'text', sort: 'email', value: (c) => c.email ?? '', edit: { field: 'email', parse: nullable, inputmode: 'email' } },
		{ key: 'phone', label: 'Phone', kind: 'text', value: (c) => c.phone ?? '', edit: { field: 'phone', parse: nullable, inputmode: 'tel' }, wide: true },
		{ key: 'owner', label: 'Owner', kind: 'owner', value: (c) => c.ownerId ?? '' },
		{ key: 'tags', label: 'Tags', kind: 'tags', value: () => '', wide: true },
		{ key: 'createdAt', label: 'Added', kind: 'date', sort: 'createdAt', value: (c) => String(c.createdAt), wide: true }
	],
	defaultSort: 'name',
	newFields: [
		{ name: 'firstName', label: 'First name', required: true },
		{ name: 'lastName', label: 'Last name' },
		{ name: 'email', label: 'Email', type: 'email', full: true },
		{ name: 'phone', label: 'Phone', type: 'tel' },
		{ name: 'title', label: 'Job title' },
		{ name: 'companyId', label: 'Company', type: 'company' },
		{ name: 'tags', label: 'Tags', type: 'tags' }
	]
};

export const contactDetail: RecordDetailSpec<ContactDetail> = {
	resource: 'contacts',
	load: (id) => data(contacts[':id'].$get({ param: { id: encodeURIComponent(id) } })),
	name: personName,
	avatar: 'person',
	subtitle: ContactSubtitle,
	email: (c) => c.email,
	call: (c) => ({ number: c.phone, target: { contactId: c.id, name: personName(c) } }),
	link: (c) => ({ contactId: c.id }),
	deals: 'side',
	details: [
		{
			pair: [
				{ label: 'First name', value: (c) => c.firstName, patch: required('firstName'), testid: 'field-firstName' },
				{ label: 'Last name', value: (c) => c.lastName, patch: optional('lastName'), testid: 'field-lastName' }
			]
		},
		{ label: 'Email', value: (c) => c.email, patch: optional('email'), inputmode: 'email', testid: 'field-email' },
		{ label: 'Phone', value: (c) => c.phone, patch: optional('phone'), inputmode: 'tel', testid: 'field-phone' },
		{ label: 'Job title', value: (c) => c.title, patch: optional('title'), testid: 'field-title' },
		{ part: ContactCompanyField }
	],
	source: (c) => c.source,
	deleteDescription: 'Their activities stay, unlinked. A contact with deals cannot be deleted.'
};
