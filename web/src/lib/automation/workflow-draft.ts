/** The builder's editable workflow: new actions and conditions with sensible defaults, and the saved shape. */
import type { ConditionGroup, FieldCondition, WorkflowAction, WorkflowActionType, WorkflowTrigger } from '$schema/workflows';

export interface WorkflowDraft {
	name: string;
	description: string;
	ownerId: string;
	trigger: WorkflowTrigger;
	conditions: ConditionGroup | null;
	actions: WorkflowAction[];
}

/** A step key unique within the workflow that survives edits, so run logs keep lining up. */
export function newActionId(type: WorkflowActionType): string {
	return `${type.replace(/_/g, '-')}-${crypto.randomUUID().slice(0, 8)}`;
}

export function newAction(type: WorkflowActionType): WorkflowAction {
	const id = newActionId(type);
	switch (type) {
		case 'set_fields':
			return { id, type, fields: {} };
		case 'assign_owner':
			return { id, type, strategy: 'round_robin', userIds: [] };
		case 'add_tags':
		case 'remove_tags':
			return { id, type, tags: [] };
		case 'create_task':
			return { id, type, title: '', dueInDays: 1, assignTo: { kind: 'record_owner' } };
		case 'create_note':
			return { id, type, body: '' };
		case 'send_email':
			return { id, type, to: { kind: 'record_contact' }, subject: '', body: '' };
		case 'notify':
			return { id, type, recipients: [], title: '' };
		case 'webhook':
			return { id, type, endpointId: '' };
		case 'wait':
			return { id, type, mode: 'delay', minutes: 60 };
		case 'branch':
			return { id, type, condition: emptyGroup(), then: [], else: [] };
		case 'ai_score':
		case 'ai_summarize':
			return { id, type };
		case 'ai_draft':
			return { id, type, instruction: '' };
	}
}

export function emptyGroup(match: ConditionGroup['match'] = 'all'): ConditionGroup {
	return { kind: 'group', match, conditions: [] };
}

export function newCondition(field = ''): FieldCondition {
	return { kind: 'field', field, operator: 'eq', value: '' };
}

export function newDraft(ownerId: string): WorkflowDraft {
	return {
		name: '',
		description: '',
		ownerId,
		trigger: { kind: 'record_created', entity: 'deal' },
		conditions: null,
		actions: []
	};
}

/** An empty condition group saves as "no conditions". */
export function conditionsToSave(group: ConditionGroup | null): ConditionGroup | null {
	if (!group || group.conditions.length === 0) return null;
	return group;
}

/** The field errors under one path (`actions.2`), keyed by what follows it (`title`). */
export function errorsUnder(errors: Record<string, string>, prefix: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [path, message] of Object.entries(errors)) {
		if (path === prefix) out[''] = message;
		else if (path.startsWith(`${prefix}.`)) out[path.slice(prefix.length + 1)] = message;
	}
	return out;
}
