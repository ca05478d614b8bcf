/** How a record list describes its columns, filters and "New" form (see RecordList.svelte). */
import type { ListMeta } from '$lib/api/api-response';
import type { ScoredType } from '$schema/scoring';
import type { LeadStatus, RecordResource } from './record-types';

export type ColumnKind = 'primary' | 'text' | 'owner' | 'status' | 'score' | 'tags' | 'date';

export interface Column<T> {
	key: string;
	label: string;
	kind: ColumnKind;
	/** The API's `sort` key, when the column sorts. */
	sort?: string;
	/** The first press sorts highest first (scores). */
	descendingFirst?: boolean;
	/** Text shown in the cell (for `primary`, the title). */
	value: (row: T) => string;
	/** Second line under a `primary` cell. */
	subtitle?: (row: T) => string | null;
	/** Edit in place: PATCH `{[field]: parse(text)}`. */
	edit?: { field: string; parse?: (text: string) => unknown; inputmode?: 'text' | 'email' | 'tel' | 'numeric' };
	/** Hidden on narrow screens. */
	wide?: boolean;
	/** A `score` column: the type scored, and whether a manager has overridden the row's score. */
	scored?: { type: ScoredType; overridden: (row: T) => boolean };
}

export interface FormField {
	name: string;
	label: string;
	type?: 'text' | 'email' | 'tel' | 'number' | 'url' | 'select' | 'company' | 'tags';
	required?: boolean;
	options?: readonly string[];
	placeholder?: string;
	/** Spans both columns of the form grid. */
	full?: boolean;
}

/** What a record list asks for: the page, sort and filters in its URL. */
export interface RecordListQuery {
	page: number;
	per_page: number;
	sort: string;
	q?: string;
	ownerId?: string;
	tag?: string;
	status?: LeadStatus;
	/** Only records scoring at least this (0–100). */
	minScore?: string;
}

/** One type's list page: what RecordList.svelte is given. */
export interface RecordListSpec<T> {
	resource: RecordResource;
	/** One page of the list, as the type's list route answers it. */
	list: (query: RecordListQuery) => Promise<{ data: T[]; meta: ListMeta }>;
	/** Creates a record from the "New" form, which has checked its required fields; the API checks the rest. */
	create: (body: Record<string, unknown>) => Promise<{ id: string }>;
	title: string;
	description: string;
	columns: Column<T>[];
	defaultSort: string;
	newFields: FormField[];
	/** Offer a status filter with these values (leads). */
	statuses?: readonly string[];
	/** Offer a minimum-score filter (scored types). */
	scoreFilter?: boolean;
}

/** Empty text clears an optional field. */
export const nullable = (text: string) => (text.trim() ? text.trim() : null);

/** A 0–100 score, or null; NaN makes the API answer a validation error. */
export const score = (text: string) => (text.trim() ? Number(text.trim()) : null);

/** The request body of a "New" form: empty fields left out, tags split on commas, numbers parsed. */
export function bodyFromForm(fields: FormField[], values: Record<string, string>) {
	const body: Record<string, unknown> = {};
	for (const field of fields) {
		const raw = (values[field.name] ?? '').trim();
		if (!raw) continue;
		if (field.type === 'tags') body[field.name] = raw.split(',').map((t) => t.trim()).filter(Boolean);
		else if (field.type === 'number') body[field.name] = Number(raw);
		else body[field.name] = raw;
	}
	return body;
}
