/**
 * FTS5 queries from user text. User text never reaches FTS5's query syntax:
 * it is cut into words (runs of letters, marks and digits), each word becomes
 * a quoted prefix term `"word"*`, and the terms are ANDed. Quotes, `*`, `-`,
 * `NEAR`, `OR`, parentheses and column filters are therefore plain text or
 * gone, so no input can make the MATCH fail.
 */
const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 64;

/** The words of a query, as FTS5 sees words; empty when nothing searchable remains. */
export function searchTerms(q: string): string[] {
  const words = q.normalize("NFC").match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
  return words.slice(0, MAX_TERMS).map((w) => w.slice(0, MAX_TERM_LENGTH));
}

/**
 * The MATCH expression: the organization's phrase on the indexed org_id
 * column, and every word as a prefix of a name or details word. Terms are
 * limited to those two columns so that typing part of a UUID never matches
 * org_id.
 */
export function matchExpression(orgId: string, terms: string[]): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return [`org_id : ${quote(orgId)}`, ...terms.map((t) => `{name details} : ${quote(t)}*`)].join(" AND ");
}

/**
 * The MATCH expression for an index whose org_id is UNINDEXED (the caller
 * filters the organization in WHERE): every word as a prefix of `column`.
 */
export function columnMatchExpression(column: string, terms: string[]): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return terms.map((t) => `${column} : ${quote(t)}*`).join(" AND ");
}
