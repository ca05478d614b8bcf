/** Shapes of the deal and pipeline API (see worker/crm/deals). */

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

/** A deal as the API and the board document hold it (times are epoch ms, closeDate YYYY-MM-DD). */
export interface Deal {
	id: string;
	title: string;
	amount: number;
	currency: string;
	pipelineId: string;
	stageId: string;
	/** Fractional-index key: order within the stage, compared as plain strings, ties by id. */
	position: string;
	ownerId: string | null;
	contactId: string | null;
	companyId: string | null;
	leadId: string | null;
	closeDate: string | null;
	status: DealStatus;
	lostReason: string | null;
	tags: string[];
	createdBy: string | null;
	createdAt: number;
	updatedBy: string | null;
	updatedAt: number;
}

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

export interface Stage {
	id: string;
	name: string;
	/** Win probability in percent, 0–100. */
	probability: number;
}

export interface Pipeline {
	id: string;
	name: string;
	isDefault: boolean;
	stages: Stage[];
}

export interface KanbanBoard {
	pipeline: { id: string; name: string; isDefault: boolean };
	stages: (Stage & {
		deals: Deal[];
		totals: { count: number; amount: number; weightedAmount: number };
	})[];
}
