import type { DealState } from "./board-deal-schema";

/**
 * The board document's public contract: `doc.getMap("deals")` maps each open
 * deal's id to a Y.Map with these fields. Moving a card is setting `stageId`
 * and `position` (a fractional-index key) on its map. The fields and their
 * rules are board-deal-schema.ts; this file stays free of zod, so the web app
 * can import it without bundling a validator it does not use.
 */
export const BOARD_DEALS = "deals";

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

/** A server-side board change's outcome, as the organization room answers the Worker's RPC. */
export type DealResult =
  | { type: "ok"; deal: DealRecord }
  | { type: "invalid"; message: string }
  | { type: "not_found" };

/** Client → room custom message: "tell me once everything I sent before this is applied". */
export interface BoardFlush {
  type: "board_flush";
  seq: number;
}

export function parseBoardFlush(message: string): BoardFlush | null {
  try {
    const parsed = JSON.parse(message) as Partial<BoardFlush>;
    return parsed?.type === "board_flush" && Number.isSafeInteger(parsed.seq) ? (parsed as BoardFlush) : null;
  } catch {
    return null;
  }
}
