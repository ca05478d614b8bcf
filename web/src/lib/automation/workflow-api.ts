/**
 * The workflow API as the builder, list and run log use it (typed `hc`
 * client), and the triggers catalog turned into the builder's pickers.
 */
import { client, data, type DataOf } from '$lib/api/typed-api';
import { loadMembers } from '$lib/crm/org-data';
import type { BuilderCatalog, CatalogField, FieldType } from './workflow-catalog';

export type Workflow = DataOf<ReturnType<typeof client.api.automation.workflows.$get>>[number];
export type TriggerCatalog = DataOf<ReturnType<typeof client.api.automation.triggers.$get>>;
type ServerField = TriggerCatalog['entities'][number]['fields'][number];

/** Member ids the builder can offer by name. */
const USER_FIELDS = new Set(['ownerId', 'assigneeId', 'agentUserId', 'createdBy', 'assignedTo']);
/** Bookkeeping a "set fields" action never writes. */
const READ_ONLY = new Set(['id', 'createdAt', 'updatedAt', 'createdBy', 'deletedAt', 'number', 'stageChangedAt', 'lastActivityAt']);

/** `closeDate` → "Close date", `stageId` → "Stage". */
export function humanizeField(name: string): string {
	const base = name.replace(/Id$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
	return base.charAt(0).toUpperCase() + base.slice(1);
}

function fieldType(field: ServerField): FieldType {
	if (field.name === 'stageId') return 'stage';
	if (USER_FIELDS.has(field.name)) return 'user';
	return field.type;
}

function options(field: ServerField) {
	return field.options?.map((value) => ({ value, label: humanizeField(value) }));
}

export function catalogFields(entity: TriggerCatalog['entities'][number]): CatalogField[] {
	const own = entity.fields.filter((f) => f.type !== 'json');
	return [
		...own.map((f) => ({
			path: f.name,
			label: humanizeField(f.name),
			type: fieldType(f),
			options: options(f),
			writable: !READ_ONLY.has(f.name) && f.type !== 'datetime',
			group: 'record' as const
		})),
		...own.map((f) => ({ path: `previous.${f.name}`, label: `${humanizeField(f.name)} (before the change)`, type: fieldType(f), options: options(f), group: 'previous' as const })),
		...entity.links.flatMap((link) =>
			link.fields
				.filter((f) => f.type !== 'json')
				.map((f) => ({
					path: `${link.name}.${f.name}`,
					label: `${humanizeField(link.name)} › ${humanizeField(f.name)}`,
					type: link.entity === 'member' && f.name === 'id' ? ('user' as const) : fieldType(f),
					options: options(f),
					group: 'linked' as const
				}))
		)
	];
}

export async function loadBuilderCatalog(): Promise<BuilderCatalog> {
	const [catalog, members] = await Promise.all([data(client.api.automation.triggers.$get()), loadMembers()]);
	return {
		triggerKinds: catalog.triggers.map((t) => ({ kind: t.kind as BuilderCatalog['triggerKinds'][number]['kind'], label: t.label })),
		entities: catalog.entities.map((e) => ({ entity: e.entity, label: e.label, fields: catalogFields(e) })),
		stages: catalog.pipelines.flatMap((p) => p.stages.map((s) => ({ id: s.id, name: s.name, pipelineName: p.name }))),
		segments: catalog.segments,
		teams: catalog.teams,
		members: members.map((m) => ({ id: m.id, name: m.name, email: m.email, role: m.role })),
		endpoints: catalog.endpoints
	};
}
