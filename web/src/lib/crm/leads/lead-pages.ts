/** The lead list and the lead page. */
import { client, data, page } from '$lib/api/typed-api';
import type { RecordListSpec } from '$lib/crm/record-columns';
import { optional, required, type RecordDetailSpec } from '$lib/crm/record-detail/record-detail-spec';
import { personName } from '$lib/crm/record-format';
import { EDITABLE_LEAD_STATUSES, LEAD_STATUSES, type Lead, type NewLead } from '$lib/crm/record-types';
import LeadConversion from './LeadConversion.svelte';
import LeadConvertedBanner from './LeadConvertedBanner.svelte';
import LeadScoreCard from './LeadScoreCard.svelte';
import LeadStatusField from './LeadStatusField.svelte';
import LeadSubtitle from './LeadSubtitle.svelte';

const leads = client.api.leads;

export const leadList: RecordListSpec<Lead> = {
	resource: 'leads',
	list: (query) => page(leads.$get({ query })),
	create: (body) => data(leads.$post({ json: body as NewLead })),
	title: 'Leads',
	description: 'Prospects to qualify. Convert the good ones into a contact and a deal.',
	columns: [
		{
			key: 'name',
			label: 'Name',
			kind: 'primary',
			sort: 'name',
			value: personName,
			subtitle: (l) => [l.title, l.companyName].filter(Boolean).join(' · ') || l.email
		},
		{ key: 'status', label: 'Status', kind: 'status', value: (l) => l.status },
		{
			key: 'score',
			label: 'Score',
			kind: 'score',
			sort: 'score',
			descendingFirst: true,
			value: (l) => (l.score === null ? '' : String(l.score)),
			scored: { type: 'lead', overridden: (l) => l.scoreOverridden }
		},
		{ key: 'source', label: 'Source', kind: 'text', value: (l) => l.source ?? '', wide: true },
		{ key: 'owner', label: 'Owner', kind: 'owner', value: (l) => l.ownerId ?? '' },
		{ key: 'createdAt', label: 'Added', kind: 'date', sort: 'createdAt', value: (l) => String(l.createdAt), wide: true }
	],
	defaultSort: '-createdAt',
	newFields: [
		{ name: 'firstName', label: 'First name', required: true },
		{ name: 'lastName', label: 'Last name' },
		{ name: 'email', label: 'Email', type: 'email' },
		{ name: 'phone', label: 'Phone', type: 'tel' },
		{ name: 'companyName', label: 'Company' },
		{ name: 'title', label: 'Job title' },
		{ name: 'source', label: 'Source', placeholder: 'Website, referral…' },
		{ name: 'status', label: 'Status', type: 'select', options: EDITABLE_LEAD_STATUSES },
		{ name: 'tags', label: 'Tags', type: 'tags' }
	],
	statuses: LEAD_STATUSES,
	scoreFilter: true
};

export const leadDetail: RecordDetailSpec<Lead> = {
	resource: 'leads',
	load: (id) => data(leads[':id'].$get({ param: { id: encodeURIComponent(id) } })),
	name: personName,
	avatar: 'person',
	subtitle: LeadSubtitle,
	call: (l) => ({ number: l.phone, target: { leadId: l.id, name: personName(l) } }),
	actions: LeadConversion,
	banner: LeadConvertedBanner,
	link: (l) => ({ leadId: l.id }),
	details: [
		{
			pair: [
				{ label: 'First name', value: (l) => l.firstName, patch: required('firstName') },
				{ label: 'Last name', value: (l) => l.lastName, patch: optional('lastName') }
			]
		},
		{ part: LeadStatusField },
		{ label: 'Email', value: (l) => l.email, patch: optional('email'), inputmode: 'email', testid: 'field-email' },
		{ label: 'Phone', value: (l) => l.phone, patch: optional('phone'), inputmode: 'tel' },
		{ label: 'Company', value: (l) => l.companyName, patch: optional('companyName'), testid: 'field-companyName' },
		{ label: 'Job title', value: (l) => l.title, patch: optional('title') },
		{ label: 'Source', value: (l) => l.source, patch: optional('source') }
	],
	side: LeadScoreCard,
	notes: (l) => l.notes,
	deleteDescription: 'Its activities stay, unlinked.'
};
