/**
 * The deal scores a board's cards show. Scores live outside the board's Yjs
 * document (the room never writes them), so they load once per pipeline from
 * the scoring API and then follow `lead_scored` events.
 */
import { liveEvents } from '$lib/board/live-events.svelte';
import { loadBoardScores } from './score-api';
import { scoredRecordOf } from './score-events';

export interface CardScore {
	score: number;
	overridden: boolean;
}

export class BoardScores {
	byDeal = $state.raw<ReadonlyMap<string, CardScore>>(new Map());
	#pipelineId: string;
	#stop: () => void;

	constructor(pipelineId: string) {
		this.#pipelineId = pipelineId;
		this.#stop = liveEvents.on('lead_scored', (event) => {
			const record = scoredRecordOf(event.data);
			if (record?.type !== 'deal') return;
			this.set(record.id, { score: record.score, overridden: record.overridden });
		});
		void this.load();
	}

	async load() {
		try {
			const { items } = await loadBoardScores(this.#pipelineId);
			const next = new Map(items.map((i) => [i.id, { score: i.score, overridden: i.overridden }]));
			// Events that came while loading are newer than the answer.
			for (const [id, s] of this.byDeal) next.set(id, s);
			this.byDeal = next;
		} catch {
			// Cards without scores still work; the next event or visit fills them in.
		}
	}

	/** A deal's score changed here (an override) or in the room. */
	set(dealId: string, score: CardScore) {
		const next = new Map(this.byDeal);
		next.set(dealId, score);
		this.byDeal = next;
	}

	destroy() {
		this.#stop();
	}
}
