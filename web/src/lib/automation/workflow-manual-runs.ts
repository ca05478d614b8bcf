/** Starting a manual workflow on a record, and finding the ones that can start on a kind of record. */
import type { EventEntity } from '$schema/domain-events';
import { client, data, page } from '$lib/api/typed-api';
import type { Workflow } from './workflow-api';

export async function manualWorkflowsFor(entity: EventEntity): Promise<Workflow[]> {
	const { data: rows } = await page(client.api.automation.workflows.$get({ query: { enabled: 'true', per_page: 100 } }));
	return rows.filter((w) => w.trigger.kind === 'manual' && w.trigger.entity === entity);
}

export function startManualRun(workflowId: string, recordId: string) {
	return data(client.api.automation.workflows[':id'].run.$post({ param: { id: encodeURIComponent(workflowId) }, json: { recordId } }));
}
