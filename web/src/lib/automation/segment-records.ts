/** How a member row (a contact, company or lead in its list shape) is named and linked in the segment pages. */
import type { SegmentEntity } from './segment-api';

type Row = { id: string } & Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function segmentRecordName(row: Row): string {
	const company = text(row.name);
	if (company) return company;
	return `${text(row.firstName)} ${text(row.lastName)}`.trim() || 'Unnamed';
}

const PATHS: Record<SegmentEntity, string> = { contact: '/contacts', company: '/companies', lead: '/leads' };

export const segmentRecordHref = (entity: SegmentEntity, row: Row) => `${PATHS[entity]}/${encodeURIComponent(row.id)}`;

/** The secondary line of a member: email for people, domain for companies. */
export const segmentRecordDetail = (row: Row) => text(row.email) || text(row.domain) || text(row.companyName);
