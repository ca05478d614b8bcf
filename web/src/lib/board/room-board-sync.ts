/**
 * The room's board-epoch protocol as the client sees it (rooms/board-epoch.ts, schema/board-document.ts):
 * the control messages that confirm or reset the local copy, and the batching
 * of the flushes that ask for a confirmation. The connection (room.svelte.ts)
 * decides what to do with them.
 */

/** Local edits are confirmed in batches: one flush per this many ms of editing. */
const FLUSH_DELAY_MS = 200;

export interface BoardControl {
	type: 'board_epoch' | 'board_reset';
	epoch: number;
	seq: number | null;
}

/** The room's board-epoch messages; null for anything else. */
export function boardControl(text: string): BoardControl | null {
	if (!text.includes('"board_')) return null;
	try {
		const { type, data } = JSON.parse(text) as { type?: unknown; data?: { epoch?: unknown; seq?: unknown } };
		if ((type !== 'board_epoch' && type !== 'board_reset') || typeof data?.epoch !== 'number') return null;
		return { type, epoch: data.epoch, seq: typeof data.seq === 'number' ? data.seq : null };
	} catch {
		return null;
	}
}

/** Runs `flush` once per burst of edits instead of once per edit. */
export class BatchedFlush {
	#timer: ReturnType<typeof setTimeout> | undefined;
	readonly #flush: () => void;

	constructor(flush: () => void) {
		this.#flush = flush;
	}

	schedule() {
		if (this.#timer !== undefined) return;
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#flush();
		}, FLUSH_DELAY_MS);
	}

	cancel() {
		clearTimeout(this.#timer);
		this.#timer = undefined;
	}
}
