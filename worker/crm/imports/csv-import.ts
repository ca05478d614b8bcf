import Papa from "papaparse";
import { orgDb } from "../../platform/db";
import { AppError, invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import {
  headerKey,
  IMPORT_FIELDS,
  IMPORT_ROW_SCHEMAS,
  JOINED_FIELDS,
  LEAD_STATUS_ALIASES,
  REQUIRED_FIELD,
  type CsvResource,
} from "./csv-fields";
import { commitImport, type StagedOp } from "./import-commit";
import { publishImported, readUpdateTargets } from "./import-events";
import type { Env } from "../../platform/env";
import { findCompaniesByName, findExisting, planRow, type PlannedRow, type RowError } from "./import-rows";
import { assertOwner, defaultCountryOf, type Actor } from "../../platform/records";

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 50_000;
const MAX_REPORTED_ERRORS = 1_000;

export interface ImportInput {
  resource: CsvResource;
  csv: string;
  /** CSV column → field (null ignores the column); overrides the detected mapping for those columns. */
  mapping?: Record<string, string | null>;
  dedupe: "skip" | "update";
  dryRun: boolean;
  /** Owner of created records; the importer by default. */
  ownerId?: string;
}

export type ImportPhase = "validating" | "matching" | "writing" | "done";

/** Where an import is: `processed` of `total` rows (validating) or row operations (writing). */
export interface ImportProgress {
  phase: ImportPhase;
  processed: number;
  total: number;
}

/** Called between the steps of an import; the import waits for it, so reports arrive in order. */
export type ProgressReporter = (progress: ImportProgress) => Promise<void>;

/** About this many reports per phase, however large the file. */
const REPORTS_PER_PHASE = 20;
const MIN_ROWS_PER_REPORT = 200;
export const progressStep = (total: number) => Math.max(MIN_ROWS_PER_REPORT, Math.ceil(total / REPORTS_PER_PHASE));

export interface ImportReport {
  resource: CsvResource;
  dryRun: boolean;
  /** True when the rows were written; false for a dry run or a file with errors (then nothing was). */
  committed: boolean;
  importId: string | null;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  /** Companies created to link imported contacts to. */
  companiesCreated: number;
  errors: RowError[];
  errorCount: number;
  /** The mapping used: CSV column → field. */
  mapping: Record<string, string>;
  ignoredColumns: string[];
}

/** Header plus records, parsed by Papa Parse (quotes, embedded newlines and the delimiter detected). */
function parseCsv(csv: string) {
  const parsed = Papa.parse<string[]>(csv.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n"), { skipEmptyLines: "greedy" });
  const [header, ...records] = parsed.data;
  if (!header || header.every((h) => !h.trim())) throw invalid({ csv: ["The first line must be a header row"] });
  if (records.length > MAX_IMPORT_ROWS) throw invalid({ csv: [`At most ${MAX_IMPORT_ROWS} rows per import`] });
  const errors: RowError[] = parsed.errors
    .filter((e) => e.type !== "Delimiter")
    .map((e) => ({ row: (e.row ?? 0) + 1, field: "_", message: e.message }));
  return { header: header.map((h) => h.trim()), records, errors };
}

/** field → column indexes, in priority order: explicitly mapped columns, then detected ones by alias rank. */
function mappingFor(resource: CsvResource, header: string[], explicit: Record<string, string | null> = {}) {
  const fields = IMPORT_FIELDS[resource];
  const details: Record<string, string[]> = {};
  const seen = new Set<string>();
  for (const h of header) {
    if (h && seen.has(h)) details.csv = [`Column "${h}" appears twice in the header`];
    seen.add(h);
  }
  for (const [column, field] of Object.entries(explicit)) {
    if (!header.includes(column)) details[`mapping.${column}`] = ["No such column in the CSV header"];
    else if (field && !(field in fields)) details[`mapping.${column}`] = [`Unknown field; use one of ${Object.keys(fields).join(", ")}`];
  }
  if (Object.keys(details).length) throw invalid(details);

  const ranked: { field: string; index: number; rank: number }[] = [];
  const ignoredColumns: string[] = [];
  header.forEach((column, index) => {
    if (Object.hasOwn(explicit, column)) {
      if (explicit[column]) ranked.push({ field: explicit[column]!, index, rank: -1 });
      else ignoredColumns.push(column);
      return;
    }
    const key = headerKey(column);
    const match = Object.entries(fields).find(([, aliases]) => aliases.includes(key));
    if (match) ranked.push({ field: match[0], index, rank: match[1].indexOf(key) });
    else if (column) ignoredColumns.push(column);
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  const columns: Record<string, number[]> = {};
  for (const r of ranked) (columns[r.field] ??= []).push(r.index);
  const required = REQUIRED_FIELD[resource];
  if (!columns[required] && !(required === "firstName" && columns.fullName)) {
    throw invalid({ mapping: [`No column maps to ${required}${required === "firstName" ? " (or fullName)" : ""}`] });
  }
  const used = Object.fromEntries(ranked.map((r) => [header[r.index]!, r.field]));
  return { columns, mapping: used, ignoredColumns };
}

/** A cell as text: trimmed, with the quote an export put before formula-like text removed. */
const cell = (value: string | undefined) => (value ?? "").trim().replace(/^'(?=[=+\-@\t\r])/, "");

/** The row as the API would receive it, before validation. */
function candidate(resource: CsvResource, cells: string[], columns: Record<string, number[]>) {
  const raw: Record<string, string> = {};
  for (const [field, indexes] of Object.entries(columns)) {
    const values = indexes.map((i) => cell(cells[i])).filter(Boolean);
    if (values.length) raw[field] = JOINED_FIELDS.has(field) ? values.join(", ") : values[0]!;
  }
  const out: Record<string, unknown> = { ...raw };
  if (raw.fullName) {
    const parts = raw.fullName.split(/\s+/);
    if (!raw.firstName && !raw.lastName && parts.length > 1) out.lastName = parts.pop();
    out.firstName ??= parts.join(" ");
    delete out.fullName;
  }
  if (raw.tags) out.tags = raw.tags.split(/[;,]/).map((t) => t.trim()).filter(Boolean);
  if (resource === "leads" && raw.status) out.status = LEAD_STATUS_ALIASES[headerKey(raw.status)] ?? raw.status;
  return out;
}

export async function runImport(
  env: Env,
  orgId: string,
  actor: Actor,
  input: ImportInput,
  progress: ProgressReporter = async () => {},
): Promise<ImportReport> {
  const db = orgDb(env, orgId);
  if (new TextEncoder().encode(input.csv).length > MAX_IMPORT_BYTES) {
    throw new AppError("payload_too_large", `At most ${MAX_IMPORT_BYTES} bytes of CSV per import`);
  }
  await assertOwner(db, orgId, actor, input.ownerId);
  const { header, records, errors } = parseCsv(input.csv);
  const { columns, mapping, ignoredColumns } = mappingFor(input.resource, header, input.mapping);
  const country = await defaultCountryOf(db, orgId);
  const schema = IMPORT_ROW_SCHEMAS[input.resource];
  const badRows = new Set(errors.map((e) => e.row));

  const valid: PlannedRow[] = [];
  const step = progressStep(records.length);
  for (const [i, cells] of records.entries()) {
    if (i % step === 0) await progress({ phase: "validating", processed: i, total: records.length });
    const row = i + 2;
    if (badRows.has(row)) continue;
    const extra = cells.slice(header.length).some((c) => c.trim());
    if (extra) errors.push({ row, field: "_", message: "More cells than header columns" });
    const raw = candidate(input.resource, cells, columns);
    const parsed = schema.safeParse(raw);
    const planned = planRow(input.resource, row, parsed.success ? parsed.data : raw, country);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ row, field: String(issue.path[0] ?? "_"), message: issue.message });
    }
    if ("errors" in planned) errors.push(...planned.errors);
    else if (parsed.success && !extra) valid.push(planned);
  }
  await progress({ phase: "matching", processed: records.length, total: records.length });

  // One record per dedupe key: the file's first row wins, later ones are skipped.
  let skipped = 0;
  const firstByKey = new Map<string, PlannedRow>();
  const rows = valid.filter((r) => {
    if (!r.key) return true;
    if (firstByKey.has(r.key)) return (skipped++, false);
    firstByKey.set(r.key, r);
    return true;
  });
  const existing = await findExisting(db, orgId, actor, input.resource, [...firstByKey.keys()]);
  const companyIds =
    input.resource === "contacts"
      ? await findCompaniesByName(db, orgId, actor, rows.map((r) => r.companyName).filter((n): n is string => !!n))
      : new Map<string, string>();

  const ownerId = input.ownerId ?? actor.userId;
  const entity = ({ contacts: "contact", companies: "company", leads: "lead" } as const)[input.resource];
  const ops: StagedOp[] = [];
  const newCompanies = new Map<string, StagedOp>();
  let created = 0;
  let updated = 0;
  for (const r of rows) {
    const match = r.key ? existing.get(r.key) : undefined;
    if (match && input.dedupe === "skip") {
      skipped++;
      continue;
    }
    if (r.companyName) {
      const nameKey = r.companyName.toLowerCase();
      let companyId = companyIds.get(nameKey) ?? newCompanies.get(nameKey)?.id;
      if (!companyId) {
        companyId = newId();
        const op = { t: "companies", e: "company", op: "create", id: companyId, a: newId(), name: r.companyName, owner_id: ownerId, tags: [] } as const;
        newCompanies.set(nameKey, op);
      }
      r.columns.company_id = companyId as string;
    }
    if (match) {
      updated++;
      ops.push({ t: input.resource, e: entity, op: "update", id: match, a: newId(), ...r.columns });
    } else {
      created++;
      ops.push({ t: input.resource, e: entity, op: "create", id: newId(), a: newId(), ...r.defaults, ...r.columns, owner_id: ownerId });
    }
  }

  const report: ImportReport = {
    resource: input.resource,
    dryRun: input.dryRun,
    committed: false,
    importId: null,
    rows: records.length,
    created,
    updated,
    skipped,
    companiesCreated: newCompanies.size,
    errors: errors.sort((a, b) => a.row - b.row).slice(0, MAX_REPORTED_ERRORS),
    errorCount: errors.length,
    mapping,
    ignoredColumns,
  };
  if (input.dryRun || errors.length > 0) return report;
  if (ops.length === 0) return { ...report, committed: true };

  const importId = newId();
  const staged = [...newCompanies.values(), ...ops];
  const before = await readUpdateTargets(db, orgId, staged);
  await commitImport(
    db,
    orgId,
    actor,
    importId,
    staged,
    { resource: input.resource, created, updated, skipped, companiesCreated: newCompanies.size },
    (processed) => progress({ phase: "writing", processed, total: staged.length }),
  );
  await publishImported(env, db, orgId, actor, staged, before);
  return { ...report, committed: true, importId };
}
