/** What a tool call looks like in the panel while it runs and after: "Searching for “Acme”…". */
import { RECORD_NOUNS } from './page-context';

const CLOSING: Record<string, string> = {
	this_month: 'closing this month',
	next_month: 'closing next month',
	this_quarter: 'closing this quarter',
	overdue: 'past their close date'
};

const arg = (args: unknown, name: string): string | null => {
	if (!args || typeof args !== 'object') return null;
	const value = (args as Record<string, unknown>)[name];
	return typeof value === 'string' && value.trim() ? value.trim() : null;
};

const humanize = (name: string) => {
	const words = name.replaceAll('_', ' ').trim();
	return words ? words[0]!.toUpperCase() + words.slice(1) : 'Working';
};

export function toolLabel(name: string, args: unknown, running: boolean): string {
	const ing = running ? '…' : '';
	switch (name) {
		case 'list_deals': {
			const closing = CLOSING[arg(args, 'closing') ?? ''];
			const mine = arg(args, 'owner') === 'me' ? 'your ' : '';
			return `${running ? 'Looking up' : 'Looked up'} ${mine}deals${closing ? ` ${closing}` : ''}${ing}`;
		}
		case 'search_records': {
			const query = arg(args, 'query');
			return `${running ? 'Searching' : 'Searched'} ${query ? `for “${query}”` : 'records'}${ing}`;
		}
		case 'get_record': {
			const type = arg(args, 'type') as keyof typeof RECORD_NOUNS | null;
			return `${running ? 'Reading' : 'Read'} the ${type && RECORD_NOUNS[type] ? RECORD_NOUNS[type] : 'record'}${ing}`;
		}
		case 'list_activities':
			return `${running ? 'Reading' : 'Read'} the activity timeline${ing}`;
		case 'pipeline_summary':
			return `${running ? 'Summing up' : 'Summed up'} the pipeline${ing}`;
		case 'ticket_summary':
			return `${running ? 'Summing up' : 'Summed up'} support tickets${ing}`;
		default:
			if (/^(propose_|create_task|log_note|move_deal|draft_email)/.test(name)) {
				return running ? 'Preparing a change for you to confirm…' : 'Prepared a change for you to confirm';
			}
			return `${humanize(name)}${ing}`;
	}
}
