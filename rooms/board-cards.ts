import * as Y from "yjs";
import { BOARD_DEALS } from "../schema/board-document";
import type { DealState } from "../schema/board-deal-schema";

/** Reading and writing the board document's cards (schema/board-document.ts) as Y.Maps. */
export function readDeal(map: Y.Map<unknown>): Record<string, unknown> {
  return map.toJSON() as Record<string, unknown>;
}

export function writeDeal(map: Y.Map<unknown>, state: Partial<DealState>) {
  for (const [k, v] of Object.entries(state)) {
    if (v === undefined) continue;
    if (JSON.stringify(map.get(k)) !== JSON.stringify(v)) map.set(k, v);
  }
}

export function dealMap(state: DealState): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(state)) map.set(k, v);
  return map;
}

/** Cards per scratch document when rebuilding the board, so the rebuild never holds a second full copy. */
const FRESH_CHUNK = 500;

/**
 * The board's current cards as a new document's state: the same `deals` map
 * of Y.Maps with the same fields, and none of the history (the deleted
 * overwrites) the live document carries. Built a chunk of cards at a time in
 * scratch documents and merged as binary, so memory stays at one chunk.
 */
export function freshBoardState(deals: Y.Map<Y.Map<unknown>>): Uint8Array {
  const parts: Uint8Array[] = [];
  const ids = [...deals.keys()];
  for (let start = 0; start < ids.length; start += FRESH_CHUNK) {
    const scratch = new Y.Doc();
    const target = scratch.getMap(BOARD_DEALS);
    scratch.transact(() => {
      for (const id of ids.slice(start, start + FRESH_CHUNK)) {
        const card = deals.get(id);
        if (!(card instanceof Y.Map)) continue;
        const copy = new Y.Map<unknown>();
        for (const [k, v] of Object.entries(readDeal(card))) copy.set(k, v);
        target.set(id, copy);
      }
    });
    parts.push(Y.encodeStateAsUpdate(scratch));
    scratch.destroy();
  }
  return parts.length === 0 ? Y.encodeStateAsUpdate(new Y.Doc()) : parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
}
