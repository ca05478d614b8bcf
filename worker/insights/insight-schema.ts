import { z } from "@hono/zod-openapi";
import { INSIGHT_KINDS, INSIGHT_RECORD_TYPES } from "../../schema";

const RecordRef = z.object({ type: z.enum(INSIGHT_RECORD_TYPES), id: z.string(), title: z.string() });
const Evidence = z
  .object({ type: z.enum([...INSIGHT_RECORD_TYPES, "activity", "comment"]), id: z.string(), title: z.string(), detail: z.string().optional() })
  .openapi("InsightEvidence");

/** An insight as a member sees it in their inbox (and on the dashboard). */
export const InsightSchema = z
  .object({
    id: z.string(),
    kind: z.enum(INSIGHT_KINDS),
    record: RecordRef,
    headline: z.string(),
    evidence: z.array(Evidence),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
    resolvedAt: z.number().int().nullable(),
    dismissedAt: z.number().int().nullable().openapi({ description: "When you dismissed it (yours alone)" }),
    snoozedUntil: z.number().int().nullable().openapi({ description: "Hidden from your inbox until then (yours alone)" }),
  })
  .openapi("Insight");
