/**
 * The pipeline board's data, from one of two sources behind one interface:
 *
 * - `LiveBoard` reads the organization room's Yjs document (`deals` map) and
 *   writes to it, so moves, renames and new cards reach everyone at once and
 *   work offline (the document is kept in IndexedDB, see room.svelte.ts).
 * - `RestBoard` is for members restricted to their own records, whose socket
 *   carries events but never the document: it loads `GET /api/kanban/:id`,
 *   applies `deal_updated` events, and writes through the API.
 *
 * Columns are kept sorted per stage and republished only when they change: one
 * `observeDeep` handler per document, cost proportional to the cards a
 * transaction touched (plus one copy of the columns they are in), so a board of
 * thousands of cards stays smooth while others edit it.
 */
import { uuidv7 } from 'uuidv7';
import * as Y from 'yjs';
import { ApiError } from '$lib/api/api-client';
import { client, data } from '$lib/api/typed-api';
import type { Deal, DealPatch } from '$lib/crm/deal-types';
import { dealFromJson } from '$lib/crm/deal-cards';
import { Columns } from './board-columns.svelte';
import { BOARD_DEALS } from '$schema/board-document';
import { writeDealMap } from './board-doc';
import { liveEvents } from './live-events.svelte';

export interface NewCard {
	title: string;
	amount: number;
	currency: string;
	pipelineId: string;
	stageId: string;
	position: string;
}

export interface BoardSource {
	/** Open cards per stage id, each sorted by (position, id). */
	readonly columns: Readonly<Record<string, readonly Deal[]>>;
	readonly ready: boolean;
	readonly error: string | null;
	deal(id: string): Deal | undefined;
	column(stageId: string): readonly Deal[];
	move(dealId: string, stageId: string, position: string): Promise<void>;
	update(dealId: string, patch: DealPatch): Promise<void>;
	create(card: NewCard): Promise<Deal>;
	destroy(): void;
}

/** The board as the organization room's Yjs document holds it. */
export class LiveBoard implements BoardSource {
	readonly #deals: Y.Map<Y.Map<unknown>>;
	readonly #me: string;
	readonly #columns = new Columns();
	readonly error = null;

	constructor(doc: Y.Doc, me: string) {
		this.#me = me;
		this.#deals = doc.getMap(BOARD_DEALS);
		this.#columns.reset(this.#readAll());
		this.#deals.observeDeep(this.#onChange);
	}

	get ready() {
		return true;
	}

	get columns() {
		return this.#columns.columns;
	}

	column(stageId: string) {
		return this.#columns.column(stageId);
	}

	deal(id: string) {
		return this.#columns.get(id);
	}

	*#readAll(): Generator<Deal> {
		for (const [id, map] of this.#deals) {
			if (!(map instanceof Y.Map)) continue;
			const deal = dealFromJson(id, map.toJSON());
			if (deal) yield deal;
		}
	}

	#onChange = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
		const ids = new Set<string>();
		for (const event of events) {
			if (event.target === this.#deals) {
				for (const key of event.changes.keys.keys()) ids.add(key);
			} else if (typeof event.path[0] === 'string') {
				ids.add(event.path[0]);
			}
		}
		const changes = new Map<string, Deal | null>();
		for (const id of ids) {
			const map = this.#deals.get(id);
			changes.set(id, map instanceof Y.Map ? dealFromJson(id, map.toJSON()) : null);
		}
		this.#columns.apply(changes);
	};

	#write(dealId: string, patch: Record<string, unknown>) {
		const map = this.#deals.get(dealId);
		if (!(map instanceof Y.Map)) throw new Error('This deal is no longer on the board.');
		writeDealMap(map, patch, this.#me);
	}

	async move(dealId: string, stageId: string, position: string) {
		this.#write(dealId, { stageId, position });
	}

	async update(dealId: string, patch: DealPatch) {
		this.#write(dealId, patch);
	}

	async create(card: NewCard): Promise<Deal> {
		const now = Date.now();
		const deal: Deal = {
			id: uuidv7(),
			...card,
			ownerId: this.#me,
			contactId: null,
			companyId: null,
			leadId: null,
			closeDate: null,
			status: 'open',
			lostReason: null,
			tags: [],
			createdBy: this.#me,
			createdAt: now,
			updatedBy: this.#me,
			updatedAt: now
		};
		const { id, ...fields } = deal;
		this.#deals.set(id, new Y.Map<unknown>(Object.entries(fields)));
		return deal;
	}

	destroy() {
		this.#deals.unobserveDeep(this.#onChange);
	}
}

/** One pipeline's board through the API, for members who only get events. */
export class RestBoard implements BoardSource {
	ready = $state(false);
	error = $state<string | null>(null);
	readonly #pipelineId: string;
	readonly #columns = new Columns();
	readonly #off: () => void;
	readonly #offRemoved: () => void;
	#destroyed = false;

	constructor(pipelineId: string) {
		this.#pipelineId = pipelineId;
		this.#off = liveEvents.on('deal_updated', (event) => {
			const deal = event.data.deal as Deal | undefined;
			if (!deal || typeof deal.id !== 'string') return;
			if (deal.pipelineId !== this.#pipelineId && !this.#columns.get(deal.id)) return;
			this.#columns.apply(new Map([[deal.id, deal.pipelineId === this.#pipelineId ? deal : null]]));
		});
		// A deal reassigned away (or deleted) leaves a board that only holds your own deals.
		this.#offRemoved = liveEvents.onSignal('deal_removed', ({ data }) => {
			if (typeof data.id === 'string' && this.#columns.get(data.id)) this.#columns.apply(new Map([[data.id, null]]));
		});
		void this.reload();
	}

	get columns() {
		return this.#columns.columns;
	}

	column(stageId: string) {
		return this.#columns.column(stageId);
	}

	deal(id: string) {
		return this.#columns.get(id);
	}

	async reload() {
		try {
			const board = await data(
				client.api.kanban[':pipelineId'].$get({ param: { pipelineId: encodeURIComponent(this.#pipelineId) } })
			);
			if (this.#destroyed) return;
			this.#columns.reset(board.stages.flatMap((s) => s.deals));
			this.error = null;
			this.ready = true;
		} catch (err) {
			if (this.#destroyed) return;
			this.error = err instanceof Error ? err.message : 'Could not load the board.';
		}
	}

	/** Applies a change locally at once and undoes it if the server refuses. */
	async #optimistic(dealId: string, patch: Partial<Deal>, send: () => Promise<Deal>) {
		const before = this.#columns.get(dealId);
		if (before) this.#columns.apply(new Map([[dealId, { ...before, ...patch }]]));
		try {
			const saved = await send();
			this.#columns.apply(new Map([[saved.id, saved]]));
		} catch (err) {
			if (before) this.#columns.apply(new Map([[dealId, before]]));
			throw err;
		}
	}

	move(dealId: string, stageId: string, position: string) {
		return this.#optimistic(dealId, { stageId, position }, () =>
			data(client.api.kanban.move.$post({ json: { dealId, stageId, position } }))
		);
	}

	update(dealId: string, patch: DealPatch) {
		return this.#optimistic(dealId, patch, () =>
			data(client.api.deals[':id'].$patch({ param: { id: encodeURIComponent(dealId) }, json: patch }))
		);
	}

	async create(card: NewCard): Promise<Deal> {
		const deal = await data(client.api.deals.$post({ json: { id: uuidv7(), ...card } }));
		this.#columns.apply(new Map([[deal.id, deal]]));
		return deal;
	}

	destroy() {
		this.#destroyed = true;
		this.#off();
		this.#offRemoved();
	}
}

/** A user-facing line for a failed board write. */
export function writeErrorMessage(err: unknown): string {
	if (err instanceof ApiError) return err.message;
	return err instanceof Error ? err.message : 'Something went wrong.';
}
