import type { Deal } from '$lib/crm/deal-types';
import { compareCards, sortedIndex } from '$lib/crm/deal-cards';
import { noteCardChanges, quietMotion } from './board-motion';

const EMPTY: readonly Deal[] = Object.freeze([]);
/** Above this many cards in one transaction, changes are applied without motion. */
const BULK_CHANGES = 8;

/** Shared bookkeeping: a card index plus sorted columns, patched by id. */
export class Columns {
	columns = $state.raw<Readonly<Record<string, readonly Deal[]>>>({});
	readonly #cards = new Map<string, Deal>();
	readonly #byStage = new Map<string, readonly Deal[]>();

	get(id: string) {
		return this.#cards.get(id);
	}

	column(stageId: string): readonly Deal[] {
		return this.columns[stageId] ?? EMPTY;
	}

	/** Replaces everything (initial load). */
	reset(deals: Iterable<Deal>) {
		quietMotion();
		this.#cards.clear();
		this.#byStage.clear();
		const groups = new Map<string, Deal[]>();
		for (const deal of deals) {
			if (deal.status !== 'open') continue;
			this.#cards.set(deal.id, deal);
			let list = groups.get(deal.stageId);
			if (!list) groups.set(deal.stageId, (list = []));
			list.push(deal);
		}
		for (const [stageId, list] of groups) this.#byStage.set(stageId, list.sort(compareCards));
		this.#publish();
	}

	/** Applies new states (null: gone or closed) for some ids; touches only their columns. */
	apply(changes: Map<string, Deal | null>) {
		if (changes.size === 0) return;
		// A sync or import, not a person moving a card: no fly-overs.
		if (changes.size > BULK_CHANGES) quietMotion();
		const dirty = new Set<string>();
		const motion = { moved: [] as string[], arrived: [] as string[], left: [] as string[] };
		for (const [id, next] of changes) {
			const before = this.#cards.get(id);
			if (before) dirty.add(before.stageId);
			if (next && next.status === 'open') {
				this.#cards.set(id, next);
				dirty.add(next.stageId);
				if (!before) motion.arrived.push(id);
				else if (before.stageId !== next.stageId) motion.moved.push(id);
			} else {
				this.#cards.delete(id);
				if (before) motion.left.push(id);
			}
		}
		noteCardChanges(motion);
		for (const stageId of dirty) {
			const kept = (this.#byStage.get(stageId) ?? EMPTY).filter((c) => !changes.has(c.id));
			for (const id of changes.keys()) {
				const card = this.#cards.get(id);
				if (card && card.stageId === stageId) kept.splice(sortedIndex(kept, card), 0, card);
			}
			if (kept.length) this.#byStage.set(stageId, kept);
			else this.#byStage.delete(stageId);
		}
		this.#publish();
	}

	#publish() {
		this.columns = Object.fromEntries(this.#byStage);
	}
}
