/**
 * Where the user is when they ask, as the assistant's `context`: on a deal's
 * page "this deal" is that deal; on the call log with a call open, that call.
 */
import type { AiCitation, AiPageContext } from '$schema/ai';

type RecordType = NonNullable<AiPageContext['recordType']>;

const RECORD_PAGES: [RegExp, RecordType][] = [
	[/^\/deals\/([^/]+)\/?$/, 'deal'],
	[/^\/contacts\/([^/]+)\/?$/, 'contact'],
	[/^\/companies\/([^/]+)\/?$/, 'company'],
	[/^\/leads\/([^/]+)\/?$/, 'lead'],
	[/^\/support\/tickets\/([^/]+)\/?$/, 'ticket']
];

export function pageContextOf(url: URL): AiPageContext {
	const path = url.pathname;
	for (const [pattern, recordType] of RECORD_PAGES) {
		const id = pattern.exec(path)?.[1];
		if (id) return { path, recordType, recordId: decodeURIComponent(id) };
	}
	const call = path === '/calls' || path === '/calls/' ? url.searchParams.get('call') : null;
	if (call) return { path, recordType: 'call', recordId: call };
	return { path };
}

export const RECORD_NOUNS: Record<AiCitation['type'], string> = {
	deal: 'deal',
	contact: 'contact',
	company: 'company',
	lead: 'lead',
	ticket: 'ticket',
	call: 'call',
	activity: 'activity',
	kb_article: 'article'
};

/** Where a cited record opens in the app; null for those without a page of their own (activities). */
export function recordPath(ref: Pick<AiCitation, 'type' | 'id'>): string | null {
	const id = encodeURIComponent(ref.id);
	switch (ref.type) {
		case 'deal':
			return `/deals/${id}`;
		case 'contact':
			return `/contacts/${id}`;
		case 'company':
			return `/companies/${id}`;
		case 'lead':
			return `/leads/${id}`;
		case 'ticket':
			return `/support/tickets/${id}`;
		case 'call':
			return `/calls?call=${id}`;
		case 'kb_article':
			return `/support/knowledge-base/${id}`;
		case 'activity':
			return null;
	}
}
