import { sql, type SQL } from "drizzle-orm";
import type { InvoiceKind } from "../../../schema";

/**
 * Document numbers from the organization's format: `{prefix}`, `{YYYY}`,
 * `{seq}` or `{seq:N}` (zero-padded to N digits), anything else literal.
 * The same format is read two ways: `formatNumber` for previews and tests,
 * `numberExpression` as SQL so finalization computes the number inside the
 * batch that takes the sequence, from the prefix and counter as they are there.
 */

export const DEFAULT_NUMBER_FORMAT = "{prefix}{YYYY}-{seq:4}";

type Token = { kind: "prefix" } | { kind: "year" } | { kind: "seq"; width: number } | { kind: "text"; text: string };

const TOKEN = /\{(prefix|YYYY|seq(?::(\d{1,2}))?)\}/g;

export function parseNumberFormat(format: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of format.matchAll(TOKEN)) {
    if (m.index > last) tokens.push({ kind: "text", text: format.slice(last, m.index) });
    if (m[1] === "prefix") tokens.push({ kind: "prefix" });
    else if (m[1] === "YYYY") tokens.push({ kind: "year" });
    else tokens.push({ kind: "seq", width: Math.min(Number(m[2] ?? 1), 12) });
    last = m.index + m[0].length;
  }
  if (last < format.length) tokens.push({ kind: "text", text: format.slice(last) });
  return tokens;
}

/** Whether a format can number documents uniquely: it must carry the sequence. */
export const formatHasSequence = (format: string) => parseNumberFormat(format).some((t) => t.kind === "seq");

export function formatNumber(format: string, prefix: string, year: number, sequence: number): string {
  return parseNumberFormat(format)
    .map((t) => {
      if (t.kind === "prefix") return prefix;
      if (t.kind === "year") return String(year);
      if (t.kind === "seq") return String(sequence).padStart(t.width, "0");
      return t.text;
    })
    .join("");
}

/**
 * The number as a SQL expression read from the organization's settings row
 * in the same statement: the prefix of the document's kind and the sequence
 * just taken (`next_number - 1`), expanded with SQLite's string functions.
 */
export function numberExpression(kind: InvoiceKind, format: string, year: number, orgId: string): SQL {
  const setting = (column: string) => sql`(SELECT ${sql.raw(column)} FROM billing_settings WHERE org_id = ${orgId})`;
  const prefix = setting(kind === "quote" ? "quote_prefix" : "invoice_prefix");
  const seq = sequenceTaken(kind, orgId);
  const parts = parseNumberFormat(format).map((t) => {
    if (t.kind === "prefix") return prefix;
    if (t.kind === "year") return sql`${String(year)}`;
    if (t.kind === "seq") return sql`printf(${`%0${t.width}d`}, ${seq})`;
    return sql`${t.text}`;
  });
  return parts.length ? sql.join(parts, sql` || `) : sql`''`;
}

/** The sequence number a finalization just took: the counter of its kind, less the one it added. */
export const sequenceTaken = (kind: InvoiceKind, orgId: string) =>
  sql`(SELECT ${sql.raw(kind === "quote" ? "quote_next_number" : "invoice_next_number")} - 1 FROM billing_settings WHERE org_id = ${orgId})`;
