import { z } from "zod";

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
