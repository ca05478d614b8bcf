import { z } from "zod";

/** The fields of a card on the board document (board-document.ts), as the room validates every edit. */
/** A card's `position`: a fractional-index key (fractional-indexing's alphabet). */
export const FRACTIONAL_KEY = /^[0-9A-Za-z]{1,64}$/;

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
