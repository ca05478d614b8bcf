/** Workflows in words: the list's "When a deal enters Negotiation", operator names, action titles. */
import type { ConditionOperator, WorkflowActionType, WorkflowRunStatus, WorkflowTrigger } from '$schema/workflows';
import { ENTITY_LABELS, type BuilderCatalog } from './workflow-catalog';
import { describeCron } from './workflow-schedule';

const article = (word: string) => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);

export function describeTrigger(trigger: WorkflowTrigger, catalog: Pick<BuilderCatalog, 'stages' | 'segments' | 'entities'> | null): string {
	switch (trigger.kind) {
		case 'record_created':
			return `When ${article(ENTITY_LABELS[trigger.entity].one)} is created`;
		case 'record_updated':
			return `When ${article(ENTITY_LABELS[trigger.entity].one)} is updated`;
		case 'record_deleted':
			return `When ${article(ENTITY_LABELS[trigger.entity].one)} is deleted`;
		case 'field_changed': {
			const field = catalog?.entities.find((e) => e.entity === trigger.entity)?.fields.find((f) => f.path === trigger.field);
			return `When ${article(ENTITY_LABELS[trigger.entity].one)}'s ${field?.label ?? trigger.field} changes`;
		}
		case 'deal_stage_entered': {
			const stage = catalog?.stages.find((s) => s.id === trigger.stageId);
			return `When a deal enters ${stage?.name ?? 'a stage'}`;
		}
		case 'ticket_sla_breached':
			return 'When a ticket breaches its SLA';
		case 'call_missed':
			return 'When a call is missed';
		case 'invoice_paid':
			return 'When an invoice is paid';
		case 'segment_entered':
		case 'segment_left': {
			const segment = catalog?.segments.find((s) => s.id === trigger.segmentId);
			const name = segment ? `“${segment.name}”` : 'a segment';
			return `When a record ${trigger.kind === 'segment_entered' ? 'enters' : 'leaves'} ${name}`;
		}
		case 'schedule':
			return `${describeCron(trigger.cron)} (${trigger.timeZone})`;
		case 'manual':
			return `Run by hand on ${article(ENTITY_LABELS[trigger.entity].one)}`;
	}
}

export const OPERATOR_LABELS: Record<ConditionOperator, string> = {
	eq: 'is',
	neq: 'is not',
	gt: 'is greater than',
	gte: 'is at least',
	lt: 'is less than',
	lte: 'is at most',
	contains: 'contains',
	not_contains: 'does not contain',
	in: 'is any of',
	not_in: 'is none of',
	is_empty: 'is empty',
	is_not_empty: 'is not empty',
	changed: 'changed'
};

/** Operators that take no value. */
export const VALUELESS_OPERATORS: readonly ConditionOperator[] = ['is_empty', 'is_not_empty', 'changed'];

export const ACTION_LABELS: Record<WorkflowActionType, { title: string; hint: string }> = {
	set_fields: { title: 'Set fields', hint: 'Change fields on the record' },
	assign_owner: { title: 'Assign owner', hint: 'A fixed member, round robin or least loaded' },
	add_tags: { title: 'Add tags', hint: 'Tag the record' },
	remove_tags: { title: 'Remove tags', hint: 'Untag the record' },
	create_task: { title: 'Create task', hint: 'A to-do on the record’s timeline' },
	create_note: { title: 'Add note', hint: 'A note on the record’s timeline' },
	send_email: { title: 'Send email', hint: 'From a template with record fields' },
	notify: { title: 'Notify', hint: 'In-app notification to people or a team' },
	webhook: { title: 'Call webhook', hint: 'Deliver the event to an endpoint' },
	wait: { title: 'Wait', hint: 'A delay, or until a date on the record' },
	branch: { title: 'If / else', hint: 'Different actions by condition' },
	ai_score: { title: 'AI: score', hint: 'Rescore the lead or deal' },
	ai_summarize: { title: 'AI: summarize', hint: 'Summarize the record' },
	ai_draft: { title: 'AI: draft', hint: 'Draft a reply or email' }
};

export const RUN_STATUS_LABELS: Record<WorkflowRunStatus, string> = {
	queued: 'Queued',
	running: 'Running',
	waiting: 'Waiting',
	succeeded: 'Succeeded',
	failed: 'Failed',
	skipped: 'Skipped'
};

/** Badge colours for run and step statuses. */
export function statusTone(status: string): string {
	switch (status) {
		case 'succeeded':
			return 'bg-emerald-50 text-emerald-700 ring-emerald-600/20';
		case 'failed':
			return 'bg-rose-50 text-rose-700 ring-rose-600/20';
		case 'running':
		case 'queued':
			return 'bg-indigo-50 text-indigo-700 ring-indigo-600/20';
		case 'waiting':
			return 'bg-amber-50 text-amber-700 ring-amber-600/20';
		default:
			return 'bg-slate-100 text-slate-600 ring-slate-500/20';
	}
}

/** "1.2 s", "3 min", "2 h 5 min". */
export function formatDuration(ms: number | null): string {
	if (ms === null || ms < 0) return '—';
	if (ms < 1000) return `${ms} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	const minutes = Math.round(ms / 60_000);
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}
