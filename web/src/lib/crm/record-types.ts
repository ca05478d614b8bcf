/** The CRM records (contacts, companies, leads) as the API answers them, from the typed client. Times are epoch ms. */
import type { InferRequestType } from 'hono/client';
import type { client, DataOf } from '$lib/api/typed-api';

type Contacts = typeof client.api.contacts;
type Companies = typeof client.api.companies;
type Leads = typeof client.api.leads;

/** A contact as create and update answer it. */
export type Contact = DataOf<ReturnType<Contacts['$post']>>;
/** A contact in the list, with its company's name (null when none or hidden from you). */
export type ContactRow = DataOf<ReturnType<Contacts['$get']>>[number];
/** A contact as its page loads it, with its company. */
export type ContactDetail = DataOf<ReturnType<Contacts[':id']['$get']>>;

export type Company = DataOf<ReturnType<Companies['$get']>>[number];
/** A company as its page loads it, with how many contacts and deals it has. */
export type CompanyDetail = DataOf<ReturnType<Companies[':id']['$get']>>;

export type Lead = DataOf<ReturnType<Leads[':id']['$get']>>;

/** What another page (a deal's) shows of a contact and of a company. */
export type ContactSummary = Pick<ContactDetail, 'id' | 'firstName' | 'lastName' | 'email' | 'title'>;
export type CompanySummary = Pick<CompanyDetail, 'id' | 'name' | 'domain'>;

/** A deal among a record's linked deals, with its contact's and company's names. */
export type LinkedDeal = DataOf<ReturnType<typeof client.api.deals.$get>>[number];

/** What creating a record takes. */
export type NewContact = InferRequestType<Contacts['$post']>['json'];
export type NewCompany = InferRequestType<Companies['$post']>['json'];
export type NewLead = InferRequestType<Leads['$post']>['json'];

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'unqualified', 'converted'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
/** Statuses a person may set; "converted" comes only from converting the lead. */
export const EDITABLE_LEAD_STATUSES = ['new', 'contacted', 'qualified', 'unqualified'] as const;

export type RecordResource = 'contacts' | 'companies' | 'leads';
