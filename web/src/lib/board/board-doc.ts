/** The board as the organization room's Yjs document stores it: one Y.Map per deal under `deals`. */
import * as Y from 'yjs';
import { BOARD_DEALS } from '$schema/board-document';
import type { Deal } from '$lib/crm/deal-types';
import { compareCards, dealFromJson } from '$lib/crm/deal-cards';


/**
 * Writes the changed fields of a patch to a card's Y.Map in one transaction,
 * stamping updatedAt/updatedBy; unchanged values are not written (no history).
 */
export function writeDealMap(map: Y.Map<unknown>, patch: Record<string, unknown>, me: string) {
	const doc = map.doc;
	const apply = () => {
		let changed = false;
		for (const [key, value] of Object.entries(patch)) {
			if (value === undefined) continue;
			if (JSON.stringify(map.get(key)) === JSON.stringify(value)) continue;
			map.set(key, value);
			changed = true;
		}
		if (changed) {
			map.set('updatedAt', Date.now());
			map.set('updatedBy', me);
		}
	};
	if (doc) doc.transact(apply);
	else apply();
}

/** A stage's open cards in board order, read straight from the document (for a one-off placement). */
export function stageColumn(doc: Y.Doc, stageId: string): Deal[] {
	const column: Deal[] = [];
	for (const [id, map] of doc.getMap<Y.Map<unknown>>(BOARD_DEALS)) {
		if (!(map instanceof Y.Map) || map.get('stageId') !== stageId || map.get('status') !== 'open') continue;
		const deal = dealFromJson(id, map.toJSON());
		if (deal) column.push(deal);
	}
	return column.sort(compareCards);
}

/** A single card's live Y.Map, for the deal page (undefined when it is not on the board). */
export function boardDealMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
	const map = doc.getMap<Y.Map<unknown>>(BOARD_DEALS).get(id);
	return map instanceof Y.Map ? map : undefined;
}
