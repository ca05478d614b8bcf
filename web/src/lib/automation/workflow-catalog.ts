/**
 * What the builder offers at each picker: trigger kinds, entities with their
 * fields (type and enum options), stages, segments, members, teams and webhook
 * endpoints. Filled from the API's triggers catalog (`workflow-api.ts`), so
 * the builder never invents a field the server would refuse.
 */
import type { EventEntity } from '$schema/domain-events';
import type { WorkflowTriggerKind } from '$schema/workflows';

/** The server's field types, plus `stage` and `user` for ids the builder can offer by name. */
export type FieldType = 'string' | 'number' | 'boolean' | 'datetime' | 'date' | 'tags' | 'enum' | 'id' | 'json' | 'stage' | 'user';

export interface FieldOption {
	value: string;
	label: string;
}

export interface CatalogField {
	/** The condition path: `amount`, `previous.stageId`, `company.industry`. */
	path: string;
	label: string;
	type: FieldType;
	options?: FieldOption[];
	/** Writable by a "set fields" action. */
	writable?: boolean;
	/** Which section of the field picker it belongs to. */
	group: 'record' | 'previous' | 'linked';
}

export interface CatalogEntity {
	entity: EventEntity;
	label: string;
	fields: CatalogField[];
}

export interface CatalogTriggerKind {
	kind: WorkflowTriggerKind;
	label: string;
	description?: string;
}

export interface CatalogStage {
	id: string;
	name: string;
	pipelineName: string;
}

export interface CatalogSegment {
	id: string;
	name: string;
	entity: string;
}

export interface CatalogMember {
	id: string;
	name: string;
	email: string;
	role: string;
}

export interface CatalogTeam {
	id: string;
	name: string;
}

export interface CatalogEndpoint {
	id: string;
	/** Where it posts; the full URL stays with those who manage webhooks. */
	host: string;
	description: string | null;
	enabled: boolean;
}

export interface BuilderCatalog {
	triggerKinds: CatalogTriggerKind[];
	entities: CatalogEntity[];
	stages: CatalogStage[];
	segments: CatalogSegment[];
	members: CatalogMember[];
	teams: CatalogTeam[];
	endpoints: CatalogEndpoint[];
}

export const ENTITY_LABELS: Record<EventEntity, { one: string; many: string }> = {
	deal: { one: 'deal', many: 'deals' },
	lead: { one: 'lead', many: 'leads' },
	contact: { one: 'contact', many: 'contacts' },
	company: { one: 'company', many: 'companies' },
	ticket: { one: 'ticket', many: 'tickets' },
	call: { one: 'call', many: 'calls' },
	invoice: { one: 'invoice', many: 'invoices' }
};

/** The entity a trigger's record is, when it has one (schedules have none). */
export function triggerEntity(trigger: { kind: WorkflowTriggerKind } & Record<string, unknown>, catalog: BuilderCatalog): EventEntity | null {
	if ('entity' in trigger && typeof trigger.entity === 'string') return trigger.entity as EventEntity;
	switch (trigger.kind) {
		case 'deal_stage_entered':
			return 'deal';
		case 'ticket_sla_breached':
			return 'ticket';
		case 'call_missed':
			return 'call';
		case 'invoice_paid':
			return 'invoice';
		case 'segment_entered':
		case 'segment_left': {
			const segment = catalog.segments.find((s) => s.id === trigger.segmentId);
			return (segment?.entity as EventEntity | undefined) ?? null;
		}
		default:
			return null;
	}
}

export function fieldsOf(catalog: BuilderCatalog, entity: EventEntity | null): CatalogField[] {
	if (!entity) return [];
	return catalog.entities.find((e) => e.entity === entity)?.fields ?? [];
}

export function findField(catalog: BuilderCatalog, entity: EventEntity | null, path: string): CatalogField | undefined {
	return fieldsOf(catalog, entity).find((f) => f.path === path);
}

/** Placeholders for texts (`{{title}}`): the record's and its linked records' fields. */
export function placeholdersOf(catalog: BuilderCatalog, entity: EventEntity | null): CatalogField[] {
	return fieldsOf(catalog, entity).filter((f) => f.group !== 'previous');
}
