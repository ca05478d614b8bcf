import { searchTerms } from "../../platform/fts-query";
import { escapeHtml } from "./kb-render";

/**
 * FTS5 expressions over kb_articles_fts (migrations/0008_knowledge_base.sql).
 * As in worker/platform/fts-query.ts, user text never reaches FTS5's syntax: it is cut
 * into words, each word is quoted (inner quotes doubled) and the operators
 * are ours, so quotes, `*`, `-`, `NEAR`, `OR`, parentheses and column
 * filters in the input are only text, and no input can make MATCH fail.
 */
const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
const COLUMNS = "{title body tags}";

/** Type-ahead: every word must match, each as a prefix. Null when nothing searchable remains. */
export function allWordsMatch(orgId: string, q: string): string | null {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  return [`org_id : ${quote(orgId)}`, ...terms.map((t) => `${COLUMNS} : ${quote(t)}*`)].join(" AND ");
}

/** Words that say nothing about what an article is about. */
const STOP_WORDS = new Set(
  (
    "a about above after again against all also am an and any are aren as at be because been before being below between " +
    "both but by can cannot could did do does doing don down during each few for from further get got had has have having " +
    "he her here hers herself him himself his how i if in into is isn it its itself just let me more most my myself no nor " +
    "not now of off on once only or other our ours ourselves out over own please same she should so some such than thank " +
    "thanks that the their theirs them themselves then there these they this those through to too under until up very " +
    "was we were what when where which while who whom why will with would you your yours yourself yourselves hi hello " +
    "dear regards best cheers hey ok okay yes still since able help need needs want wants know tried try trying using use " +
    "used work works working doesn didn isn wasn won can't i'm it's don't"
  ).split(" "),
);

const MAX_SUGGEST_TERMS = 12;

/**
 * A crude English stem: enough for "invoices", "resetting" or "updated" to
 * match "invoice", "reset" and "update" as prefixes.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith("ies")) return w.slice(0, -3);
  if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 4 && w.endsWith("es")) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  // "resett" → "reset", "stopp" → "stop"
  if (w.length > 3 && w.at(-1) === w.at(-2) && !"lsz".includes(w.at(-1)!)) w = w.slice(0, -1);
  return w;
}

/** The significant words of a free text, stemmed and deduplicated, most frequent first. */
export function significantTerms(text: string): string[] {
  const words = (text.normalize("NFC").toLowerCase().match(/[\p{L}\p{M}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []).slice(0, 2000);
  const counts = new Map<string, number>();
  for (const word of words) {
    if (STOP_WORDS.has(word) || word.length < 3 || /^\d+$/.test(word) && word.length < 4) continue;
    const term = stem(word.replace(/'.*$/, "")).slice(0, 64);
    if (term.length < 3) continue;
    counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_SUGGEST_TERMS)
    .map(([term]) => term);
}

/** Suggestions: any significant word may match; bm25 ranks articles matching more (and rarer) words first. */
export function anyWordMatches(orgId: string, text: string): string | null {
  const terms = significantTerms(text);
  if (terms.length === 0) return null;
  return `org_id : ${quote(orgId)} AND ${COLUMNS} : (${terms.map((t) => `${quote(t)}*`).join(" OR ")})`;
}

/**
 * FTS5's snippet() marks matches with these control characters, which
 * plain text never contains; the snippet is escaped first and only then
 * are the markers turned into <mark>, so it is safe HTML.
 */
export const MARK_OPEN = "\u0002";
export const MARK_CLOSE = "\u0003";

export function snippetHtml(snippet: string | null): string | null {
  if (!snippet) return null;
  return escapeHtml(snippet.replace(/[\u0000\u0001\u0004-\u0008]/g, ""))
    .replaceAll(MARK_OPEN, "<mark>")
    .replaceAll(MARK_CLOSE, "</mark>");
}
