/**
 * The reports as CSV for a spreadsheet: amounts in major units with the
 * currency's own digits ("1234.50", "1235" for yen) beside a currency column,
 * so nothing is summed across currencies by accident. Cells starting with
 * = + - @ are quoted out by Papa Parse's escapeFormulae; a byte-order mark
 * lets Excel read accents.
 */
import Papa from "papaparse";
import { minorDigits, toMajor } from "../money";
import type { AgingReport } from "./aging-report";
import { AGING_LABELS } from "./aging-report";
import type { RevenueReport } from "./revenue-report";

const major = (minor: number | null, currency: string) => (minor === null ? "" : toMajor(minor, currency).toFixed(minorDigits(currency)));

const unparse = (fields: string[], data: (string | number)[][]) => `\uFEFF${Papa.unparse({ fields, data }, { escapeFormulae: true, newline: "\r\n" })}\r\n`;

/** Per period and currency; with a grouping, one row per group instead. */
export function revenueCsv(report: RevenueReport): string {
  if (report.groupBy === "none") {
    return unparse(
      ["period", "currency", "recognized", "cash_collected", "refunds", "net"],
      report.totals.map((t) => [t.period, t.currency, major(t.recognized, t.currency), major(t.cashCollected, t.currency), major(t.refunds, t.currency), major(t.net, t.currency)]),
    );
  }
  return unparse(
    ["period", "currency", report.groupBy, `${report.groupBy}_id`, "recognized", "cash_collected", "refunds", "net"],
    report.groups.map((g) => [g.period, g.currency, g.name, g.key ?? "", major(g.recognized, g.currency), major(g.cashCollected, g.currency), major(g.refunds, g.currency), major(g.net, g.currency)]),
  );
}

/** One row per open invoice with its bucket (the aging detail a collector works from). */
export function agingCsv(report: AgingReport): string {
  return unparse(
    ["invoice", "company", "currency", "issue_date", "due_date", "days_overdue", "bucket", "total", "amount_due"],
    report.invoices.map((i) => [
      i.number ?? i.id,
      i.companyName ?? "",
      i.currency,
      i.issueDate ?? "",
      i.dueDate ?? "",
      i.daysOverdue,
      AGING_LABELS[i.bucket],
      major(i.total, i.currency),
      major(i.amountDue, i.currency),
    ]),
  );
}

export const csvDownload = (filename: string) => ({
  "content-type": "text/csv; charset=utf-8",
  "content-disposition": `attachment; filename="${filename}"`,
  "cache-control": "no-store",
});
