/** Shapes of the deal and pipeline API (see worker/crm/deals), as the typed client answers them. */
import type { client, DataOf } from '$lib/api/typed-api';

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

/**
 * A deal as the API and the board document hold it (times are epoch ms,
 * closeDate YYYY-MM-DD). `position` is a fractional-index key: order within
 * the stage, compared as plain strings, ties by id.
 */
export type Deal = DataOf<ReturnType<(typeof client.api.deals)[':id']['$patch']>>;
/** A deal as its page loads it: the card plus its predictive score (kept outside the board document). */
export type DealDetail = DataOf<ReturnType<(typeof client.api.deals)[':id']['$get']>>;

/** Fields a board client may change (the room reverts anything else). */
export type DealPatch = Partial<
	Pick<
		Deal,
		| 'title'
		| 'amount'
		| 'currency'
		| 'stageId'
		| 'position'
		| 'ownerId'
		| 'closeDate'
		| 'status'
		| 'lostReason'
		| 'tags'
	>
>;

export type Pipeline = DataOf<ReturnType<typeof client.api.pipelines.$get>>[number];

/** `probability` is the win probability in percent, 0–100. */
export type Stage = Pipeline['stages'][number];

export type KanbanBoard = DataOf<ReturnType<(typeof client.api.kanban)[':pipelineId']['$get']>>;
