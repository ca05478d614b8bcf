import { sql, type SQL } from "drizzle-orm";
import { ownRecordsOnly } from "../platform/access";
import type { Db } from "../platform/db";
import { matchExpression, searchTerms } from "../platform/fts-query";
import type { Actor } from "../platform/records";

/** Type-ahead search over the FTS5 indexes of migrations/0002_search.sql (queries built by platform/fts-query.ts). */
export const SEARCH_TYPES = ["contacts", "companies", "leads", "deals"] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export interface SearchHit {
  type: SearchType;
  id: string;
  title: string;
  subtitle: string | null;
  score: number;
  /** A lead's or deal's predictive score (worker/scoring); absent for other types, null when unscored. */
  recordScore?: number | null;
}

/**
 * Per type: the FTS table, the base table, how a hit is titled and subtitled.
 * bm25 weights: org_id 0 (every row matches it), name 10, details 1, so a
 * match in the name ranks above one in the details.
 */
const SOURCES: Record<SearchType, { fts: string; table: string; title: string; subtitle: string }> = {
  contacts: {
    fts: "contacts_fts",
    table: "contacts",
    title: "trim(r.first_name || ' ' || r.last_name)",
    subtitle: "coalesce(r.email, r.title, r.phone)",
  },
  companies: { fts: "companies_fts", table: "companies", title: "r.name", subtitle: "coalesce(r.domain, r.industry)" },
  leads: {
    fts: "leads_fts",
    table: "leads",
    title: "trim(r.first_name || ' ' || r.last_name)",
    subtitle: "coalesce(r.company_name, r.email)",
  },
  deals: { fts: "deals_fts", table: "deals", title: "r.title", subtitle: "r.currency || ' ' || r.amount || ' · ' || r.status" },
};

function typeQuery(type: SearchType, match: string, orgId: string, ownerId: string | null, limit: number): SQL {
  const s = SOURCES[type];
  // Table and column names come from SOURCES above, never from the request.
  return sql`SELECT * FROM (
    SELECT ${type} AS type, r.id AS id, ${sql.raw(s.title)} AS title, ${sql.raw(s.subtitle)} AS subtitle,
      bm25(${sql.raw(s.fts)}, 0.0, 10.0, 1.0) AS relevance, ${sql.raw(type === "leads" || type === "deals" ? "r.score" : "NULL")} AS record_score
    FROM ${sql.raw(s.fts)} JOIN ${sql.raw(s.table)} r ON r.rowid = ${sql.raw(s.fts)}.rowid
    WHERE ${sql.raw(s.fts)} MATCH ${match} AND r.org_id = ${orgId}
      ${ownerId ? sql`AND r.owner_id = ${ownerId}` : sql``}
    ORDER BY relevance LIMIT ${limit}
  )`;
}

/**
 * The best matches across the requested types, best first. One statement:
 * each type's best `limit` hits, then the overall best `limit`. Rows come
 * back only when their base row is in the organization (the join re-checks
 * org_id) and visible to the caller.
 */
export async function search(
  db: Db,
  orgId: string,
  actor: Actor,
  input: { q: string; types: readonly SearchType[]; limit: number },
): Promise<SearchHit[]> {
  const terms = searchTerms(input.q);
  if (terms.length === 0 || input.types.length === 0) return [];
  const match = matchExpression(orgId, terms);
  const ownerId = ownRecordsOnly(actor) ? actor.userId : null;
  const union = sql.join(
    input.types.map((t) => typeQuery(t, match, orgId, ownerId, input.limit)),
    sql` UNION ALL `,
  );
  const rows = await db.all<{ type: SearchType; id: string; title: string; subtitle: string | null; relevance: number; record_score: number | null }>(
    sql`${union} ORDER BY relevance LIMIT ${input.limit}`,
  );
  return rows.map((r) => ({
    type: r.type,
    id: r.id,
    title: r.title,
    subtitle: r.subtitle || null,
    score: Number((-r.relevance).toPrecision(6)),
    ...(r.type === "leads" || r.type === "deals" ? { recordScore: r.record_score } : {}),
  }));
}
