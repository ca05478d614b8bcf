import { and, eq, sql, type SQL } from "drizzle-orm";
import Papa from "papaparse";
import { visibleTo } from "../../platform/access";
import type { Db } from "../../platform/db";
import { companies } from "../../../schema";
import { listCompanies, type CompanyQuery } from "../records/company-record-type";
import { listContacts, type ContactQuery } from "../records/contact-record-type";
import { EXPORT_COLUMNS, type CsvResource } from "./csv-fields";
import { listLeads, type LeadQuery } from "../records/lead-record-type";
import type { Actor } from "../../platform/records";

/**
 * CSV export of a filtered list, streamed page by page so a large export
 * never sits in memory: it reads the same list service as the API (so
 * filters, sorting and row-level access are the same), in pages of 500.
 *
 * Cells starting with = + - @ are prefixed with ' (Papa Parse's
 * escapeFormulae) so a spreadsheet shows them instead of running them; the
 * import strips that quote again. A UTF-8 byte-order mark lets Excel read
 * accents correctly.
 */
const PAGE = 500;

type Row = Record<string, unknown>;
export type ExportQuery =
  | { resource: "contacts"; query: Omit<ContactQuery, "page" | "perPage"> }
  | { resource: "companies"; query: Omit<CompanyQuery, "page" | "perPage"> }
  | { resource: "leads"; query: Omit<LeadQuery, "page" | "perPage"> };

/** Each contact's company name, for the page's contacts (null when none, or not visible). */
async function withCompanyNames(db: Db, orgId: string, actor: Actor, rows: Row[]): Promise<Row[]> {
  const ids = [...new Set(rows.map((r) => r.companyId).filter((id): id is string => typeof id === "string"))];
  if (ids.length === 0) return rows;
  const found = await db
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .where(
      and(
        eq(companies.orgId, orgId),
        sql`${companies.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
        visibleTo(actor, companies.ownerId),
      ),
    );
  const names = new Map(found.map((c) => [c.id, c.name]));
  return rows.map((r) => ({ ...r, companyName: names.get(r.companyId as string) ?? null }));
}

async function fetchPage(db: Db, orgId: string, actor: Actor, spec: ExportQuery, page: number, within?: SQL): Promise<Row[]> {
  switch (spec.resource) {
    case "contacts": {
      const { rows } = await listContacts(db, orgId, actor, { ...spec.query, page, perPage: PAGE }, within);
      return withCompanyNames(db, orgId, actor, rows);
    }
    case "companies":
      return (await listCompanies(db, orgId, actor, { ...spec.query, page, perPage: PAGE }, within)).rows;
    case "leads":
      return (await listLeads(db, orgId, actor, { ...spec.query, page, perPage: PAGE }, within)).rows;
  }
}

/** `within` narrows the export further (a segment's members). */
export function exportCsv(db: Db, orgId: string, actor: Actor, spec: ExportQuery, within?: SQL): ReadableStream<Uint8Array> {
  const columns = EXPORT_COLUMNS[spec.resource];
  const encoder = new TextEncoder();
  let page = 1;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`\uFEFF${columns.map((c) => c.header).join(",")}\r\n`));
    },
    async pull(controller) {
      const rows = await fetchPage(db, orgId, actor, spec, page++, within);
      if (rows.length > 0) {
        const cells = rows.map((r) => columns.map((c) => c.value(r) ?? ""));
        controller.enqueue(encoder.encode(`${Papa.unparse(cells, { escapeFormulae: true, newline: "\r\n" })}\r\n`));
      }
      if (rows.length < PAGE) controller.close();
    },
  });
}

/** Response headers of an export: CSV, downloaded as e.g. contacts-2026-07-01.csv. */
export const csvHeaders = (resource: CsvResource) => ({
  "content-type": "text/csv; charset=utf-8",
  "content-disposition": `attachment; filename="${resource}-${new Date().toISOString().slice(0, 10)}.csv"`,
  "cache-control": "no-store",
});
