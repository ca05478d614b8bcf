import { z } from "zod";
import * as Y from "yjs";

/**
 * The board document's public contract: `doc.getMap("deals")` maps each open
 * deal's id to a Y.Map with these fields. Moving a card is setting `stageId`
 * and `position` (a fractional-index key) on its map.
 */
export const BOARD_DEALS = "deals";

const FRACTIONAL_KEY = /^[0-9A-Za-z]{1,64}$/;

export const DealStateSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    amount: z.number().finite().min(0).max(1e15),
    currency: z.string().regex(/^[A-Z]{3}$/),
    pipelineId: z.string().min(1),
    stageId: z.string().min(1),
    position: z.string().regex(FRACTIONAL_KEY),
    ownerId: z.string().min(1).nullable(),
    contactId: z.string().min(1).nullable(),
    companyId: z.string().min(1).nullable(),
    leadId: z.string().min(1).nullable(),
    closeDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
    status: z.enum(["open", "won", "lost"]),
    lostReason: z.string().max(500).nullable(),
    tags: z.array(z.string().min(1).max(40)).max(20),
    createdBy: z.string().nullable(),
    createdAt: z.number().int(),
    updatedBy: z.string().nullable(),
    updatedAt: z.number().int(),
  })
  .strict();

export type DealState = z.infer<typeof DealStateSchema>;
export type DealRecord = DealState & { id: string };

/** Fields a Yjs client may change; the rest are written only through the API. */
export const CLIENT_EDITABLE = new Set<keyof DealState>([
  "title",
  "amount",
  "currency",
  "stageId",
  "position",
  "ownerId",
  "closeDate",
  "status",
  "lostReason",
  "tags",
  "updatedAt",
  "updatedBy",
]);

/** Fields only managers and above may change from a client (reassignment). */
export const MANAGER_ONLY = new Set<keyof DealState>(["ownerId"]);

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
