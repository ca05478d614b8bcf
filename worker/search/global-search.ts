import type { Db } from "../platform/db";
import { allows } from "../platform/permissions";
import type { Actor } from "../platform/records";
import { SEARCH_TYPES, searchRecords, type SearchHit } from "../crm";
import { searchCallTranscripts, type CallSearchHit } from "../telephony";

/**
 * The command palette's search: CRM records by name and details, and calls
 * by words said in them. Each feature searches its own index through its
 * own visibility rule; this only merges the answers, best first.
 */

export const GLOBAL_SEARCH_TYPES = [...SEARCH_TYPES, "calls"] as const;
export type GlobalSearchType = (typeof GLOBAL_SEARCH_TYPES)[number];
export type GlobalSearchHit = SearchHit | CallSearchHit;

export async function searchEverything(
  db: Db,
  orgId: string,
  actor: Actor,
  input: { q: string; types: readonly GlobalSearchType[]; limit: number },
): Promise<GlobalSearchHit[]> {
  const recordTypes = input.types.filter((t): t is SearchHit["type"] => t !== "calls");
  const withCalls = input.types.includes("calls") && allows(actor, "telephony:read");
  const [records, calls] = await Promise.all([
    searchRecords(db, orgId, actor, { q: input.q, types: recordTypes, limit: input.limit }),
    withCalls ? searchCallTranscripts(db, orgId, actor, { q: input.q, limit: input.limit }) : [],
  ]);
  return [...records, ...calls].sort((a, b) => b.score - a.score).slice(0, input.limit);
}
