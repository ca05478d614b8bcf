/** Shapes of the CRM record API (contacts, companies, leads; see worker/routes). Times are epoch ms. */

interface RecordBase {
	id: string;
	ownerId: string | null;
	tags: string[];
	createdBy: string | null;
	updatedBy: string | null;
	createdAt: number;
	updatedAt: number;
}

export interface Contact extends RecordBase {
	firstName: string;
	lastName: string;
	email: string | null;
	phone: string | null;
	title: string | null;
	companyId: string | null;
	source: string | null;
}

export interface ContactDetail extends Contact {
	company: { id: string; name: string } | null;
}

export interface Company extends RecordBase {
	name: string;
	domain: string | null;
	industry: string | null;
	size: string | null;
	phone: string | null;
	website: string | null;
	address: string | null;
}

export interface CompanyDetail extends Company {
	counts: { contacts: number; deals: number };
}

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'unqualified', 'converted'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
/** Statuses a person may set; "converted" comes only from converting the lead. */
export const EDITABLE_LEAD_STATUSES = ['new', 'contacted', 'qualified', 'unqualified'] as const;

export interface Lead extends RecordBase {
	firstName: string;
	lastName: string;
	email: string | null;
	phone: string | null;
	title: string | null;
	companyName: string | null;
	source: string | null;
	status: LeadStatus;
	score: number | null;
	notes: string | null;
	convertedAt: number | null;
	convertedContactId: string | null;
	convertedCompanyId: string | null;
	convertedDealId: string | null;
}

export interface ContactSummary {
	id: string;
	firstName: string;
	lastName: string;
	email: string | null;
	title?: string | null;
}

export interface CompanySummary {
	id: string;
	name: string;
	domain?: string | null;
}

export type RecordResource = 'contacts' | 'companies' | 'leads';
export type AnyRecord = Contact | Company | Lead;

export interface SearchHit {
	type: RecordResource | 'deals';
	id: string;
	title: string;
	subtitle: string | null;
	score: number;
}

export interface ImportError {
	row: number;
	field: string;
	message: string;
}

export interface ImportReport {
	resource: RecordResource;
	dryRun: boolean;
	/** False for a dry run or a file with any bad row: then nothing was written. */
	committed: boolean;
	importId: string | null;
	rows: number;
	created: number;
	updated: number;
	skipped: number;
	companiesCreated: number;
	errors: ImportError[];
	errorCount: number;
	mapping: Record<string, string>;
	ignoredColumns: string[];
}
