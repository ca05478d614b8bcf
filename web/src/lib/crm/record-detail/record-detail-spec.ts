/**
 * What sets one record page apart from another (see RecordDetailPage.svelte):
 * contacts, companies and leads share the layout, loading, owner, tags,
 * timeline and deletion, and differ only in what a spec names here.
 */
import type { Component } from 'svelte';
import type { TimelineLink } from '$lib/crm/ActivityEntry.svelte';
import { nullable } from '$lib/crm/record-columns';
import type { CompanyDetail, ContactDetail, Lead, RecordResource } from '$lib/crm/record-types';
import type { DialTarget } from '$lib/telephony/softphone.svelte';
import type { RecordPage } from './record-page.svelte';

/** What every record page shows of a record, whatever its type. */
export type DetailRecord = Pick<ContactDetail | CompanyDetail | Lead, 'id' | 'ownerId' | 'tags' | 'createdAt' | 'updatedAt'>;

/** A type's own piece of the page, given the record and the page to save through. */
export type RecordPart<T extends DetailRecord> = Component<{ record: T; view: RecordPage<T>; canWrite: boolean }>;

/** One field edited in place. */
export interface DetailFieldSpec<T> {
	label: string;
	value: (record: T) => string | null;
	/** The change to send for the text typed, or false to refuse it (the field stays open). */
	patch: (text: string) => Record<string, unknown> | false;
	inputmode?: 'text' | 'email' | 'tel' | 'numeric' | 'url';
	testid?: string;
}

/** A line of the details card: a field, two fields side by side, or a type's own control. */
export type DetailRow<T extends DetailRecord> =
	| DetailFieldSpec<T>
	| { pair: [DetailFieldSpec<T>, DetailFieldSpec<T>] }
	| { part: RecordPart<T> };

export interface RecordDetailSpec<T extends DetailRecord> {
	/** The type's routes and its list page (`/<resource>`). */
	resource: RecordResource;
	/** The record by id, as the type's route answers it (hc puts the id in the path as given, so it is URI-encoded). */
	load: (id: string) => Promise<T>;
	name: (record: T) => string;
	/** A person's avatar, or the company tile. */
	avatar: 'person' | 'company';
	/** The line under the name. */
	subtitle: RecordPart<T>;
	/** An Email button, when the record has an address. */
	email?: (record: T) => string | null;
	/** A Call button, when the record has a number. */
	call?: (record: T) => { number: string | null; target: DialTarget };
	/** Buttons of the type's own, between Call and Delete. */
	actions?: RecordPart<T>;
	/** Shown between the header and the columns. */
	banner?: RecordPart<T>;
	/** What the timeline (and the linked deals) of this record are filtered by. */
	link: (record: T) => TimelineLink;
	/** Where the deals linked to the record go, if anywhere. */
	deals?: 'main' | 'side';
	details: DetailRow<T>[];
	/** Read-only notes under the tags. */
	notes?: (record: T) => string | null;
	/** Where the record came from, after its creation date. */
	source?: (record: T) => string | null;
	/** Under the details card. */
	side?: RecordPart<T>;
	deleteDescription: string;
}

/** The change for a field that cannot be emptied: empty text is refused. */
export const required = (field: string) => (text: string) => (text.trim() ? { [field]: text.trim() } : false);

/** The change for a field that empty text clears. */
export const optional = (field: string) => (text: string) => ({ [field]: nullable(text) });
