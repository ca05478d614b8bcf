import { sql } from "drizzle-orm";
import type { Db } from "../platform/db";
import { columnMatchExpression, searchTerms } from "../platform/fts-query";
import type { Actor } from "../platform/records";
import { calls, type CallRow } from "../../schema";
import { partyNames } from "./call-matching";
import { visibleCalls } from "./call-queries";

/**
 * Calls found by words said in them (the FTS5 index of their transcripts,
 * migrations/0012_ai.sql), for the global search. A hit passes the same
 * visibility rule as the call log: the organization's calls, and only their
 * own for an agent restricted to their own records.
 */

export interface CallSearchHit {
  type: "calls";
  id: string;
  title: string;
  /** The words around the match, as said. */
  subtitle: string | null;
  /** bm25 relevance, higher is better (the scale of the record search). */
  score: number;
}

/** How a call is named where it is listed with other things: by its party, else its number. */
export function callTitle(call: Pick<CallRow, "direction" | "fromNumber" | "toNumber" | "contactId" | "leadId">, names: Map<string, string>) {
  const party = names.get(call.contactId ?? call.leadId ?? "");
  if (party) return `Call with ${party}`;
  return call.direction === "inbound" ? `Call from ${call.fromNumber || "an unknown number"}` : `Call to ${call.toNumber || "an unknown number"}`;
}

type CallMatch = Pick<CallRow, "id" | "direction" | "fromNumber" | "toNumber" | "contactId" | "leadId"> & { relevance: number; excerpt: string | null };

/** The calls whose transcript has every word of `q` (as prefixes), best match first. */
export async function searchCallTranscripts(db: Db, orgId: string, actor: Actor, input: { q: string; limit: number }): Promise<CallSearchHit[]> {
  const terms = searchTerms(input.q);
  if (terms.length === 0) return [];
  const visible = visibleCalls(actor);
  // Columns: org_id and call_id are UNINDEXED (weight 0), text is column 2.
  const rows = await db.all<CallMatch>(sql`
    SELECT ${calls.id} AS id, ${calls.direction} AS direction, ${calls.fromNumber} AS fromNumber, ${calls.toNumber} AS toNumber,
      ${calls.contactId} AS contactId, ${calls.leadId} AS leadId,
      bm25(call_transcripts_fts, 0.0, 0.0, 1.0) AS relevance,
      snippet(call_transcripts_fts, 2, '', '', '…', 12) AS excerpt
    FROM call_transcripts_fts JOIN ${calls} ON ${calls.id} = call_transcripts_fts.call_id
    WHERE call_transcripts_fts MATCH ${columnMatchExpression("text", terms)}
      AND call_transcripts_fts.org_id = ${orgId} AND ${calls.orgId} = ${orgId}
      ${visible ? sql`AND ${visible}` : sql``}
    ORDER BY relevance LIMIT ${input.limit}`);
  const names = await partyNames(db, orgId, rows);
  return rows.map((r) => ({
    type: "calls",
    id: r.id,
    title: callTitle(r, names),
    subtitle: r.excerpt?.replace(/\s+/g, " ").trim() || null,
    score: Number((-r.relevance).toPrecision(6)),
  }));
}
