/** The company list and the company page. */
import { client, data, page } from '$lib/api/typed-api';
import { nullable, type RecordListSpec } from '$lib/crm/record-columns';
import { optional, required, type RecordDetailSpec } from '$lib/crm/record-detail/record-detail-spec';
import type { Company, CompanyDetail, NewCompany } from '$lib/crm/record-types';
import CompanyPeople from './CompanyPeople.svelte';
import CompanySubtitle from './CompanySubtitle.svelte';

const companies = client.api.companies;

export const companyList: RecordListSpec<Company> = {
	resource: 'companies',
	list: (query) => page(companies.$get({ query })),
	create: (body) => data(companies.$post({ json: body as NewCompany })),
	title: 'Companies',
	description: 'Accounts you work with, and who owns each relationship.',
	columns: [
		{ key: 'name', label: 'Name', kind: 'primary', sort: 'name', value: (c) => c.name, subtitle: (c) => c.domain },
		{ key: 'industry', label: 'Industry', kind: 'text', value: (c) => c.industry ?? '', edit: { field: 'industry', parse: nullable } },
		{ key: 'size', label: 'Size', kind: 'text', value: (c) => c.size ?? '', edit: { field: 'size', parse: nullable }, wide: true },
		{ key: 'owner', label: 'Owner', kind: 'owner', value: (c) => c.ownerId ?? '' },
		{ key: 'tags', label: 'Tags', kind: 'tags', value: () => '', wide: true },
		{ key: 'createdAt', label: 'Added', kind: 'date', sort: 'createdAt', value: (c) => String(c.createdAt), wide: true }
	],
	defaultSort: 'name',
	newFields: [
		{ name: 'name', label: 'Name', required: true, full: true },
		{ name: 'domain', label: 'Domain', placeholder: 'acme.com' },
		{ name: 'website', label: 'Website', type: 'url', placeholder: 'https://acme.com' },
		{ name: 'industry', label: 'Industry' },
		{ name: 'size', label: 'Size', placeholder: '51-200' },
		{ name: 'phone', label: 'Phone', type: 'tel' },
		{ name: 'tags', label: 'Tags', type: 'tags' }
	]
};

export const companyDetail: RecordDetailSpec<CompanyDetail> = {
	resource: 'companies',
	load: (id) => data(companies[':id'].$get({ param: { id: encodeURIComponent(id) } })),
	name: (c) => c.name,
	avatar: 'company',
	subtitle: CompanySubtitle,
	link: (c) => ({ companyId: c.id }),
	deals: 'main',
	details: [
		{ label: 'Name', value: (c) => c.name, patch: required('name'), testid: 'field-name' },
		{ label: 'Domain', value: (c) => c.domain, patch: optional('domain'), testid: 'field-domain' },
		{ label: 'Website', value: (c) => c.website, patch: optional('website'), inputmode: 'url' },
		{
			pair: [
				{ label: 'Industry', value: (c) => c.industry, patch: optional('industry'), testid: 'field-industry' },
				{ label: 'Size', value: (c) => c.size, patch: optional('size') }
			]
		},
		{ label: 'Phone', value: (c) => c.phone, patch: optional('phone'), inputmode: 'tel' },
		{ label: 'Address', value: (c) => c.address, patch: optional('address') }
	],
	side: CompanyPeople,
	deleteDescription: 'Its contacts and activities stay, unlinked. A company with deals cannot be deleted.'
};
