import { and, asc, eq, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { visibleTo } from "../../platform/access";
import type { Db } from "../../platform/db";
import { companies, contacts, leads } from "../../../schema";
import { parseDomain, parseWebsite } from "../records/company-record-type";
import type { CsvResource } from "./csv-fields";
import { parsePhone, PHONE_MESSAGE } from "../../platform/phone";
import { cleanTags, type Actor } from "../../platform/records";

/** One valid CSV row, normalized like the API normalizes a request, as column values. */
export interface RowError {
  /** The spreadsheet row: the header is row 1, the first record row 2. */
  row: number;
  field: string;
  message: string;
}

export interface PlannedRow {
  row: number;
  /** The dedupe key: email for people, domain for companies (null: never a duplicate). */
  key: string | null;
  /** A contact's company, by name. */
  companyName?: string;
  /** The values the row gives, by column; cells left empty are absent. */
  columns: Record<string, unknown>;
  /** Column values a new record takes where the row gives none. */
  defaults: Record<string, unknown>;
}

const COLUMN_OF: Record<string, string> = {
  firstName: "first_name",
  lastName: "last_name",
  companyName: "company_name",
};

const DEFAULTS: Record<CsvResource, Record<string, unknown>> = {
  contacts: { last_name: "", email: null, phone: null, title: null, company_id: null, source: null, tags: [] },
  leads: { last_name: "", email: null, phone: null, title: null, company_name: null, source: null, status: "new", score: null, notes: null, tags: [] },
  companies: { domain: null, industry: null, size: null, phone: null, website: null, address: null, tags: [] },
};

/** Normalizes a validated row (phone to E.164, domain and website) or lists what is wrong with it. */
export function planRow(
  resource: CsvResource,
  row: number,
  data: Record<string, unknown>,
  defaultCountry: string,
): PlannedRow | { errors: RowError[] } {
  const errors: RowError[] = [];
  const values = { ...data };
  if (typeof values.phone === "string") {
    const phone = parsePhone(values.phone, defaultCountry);
    if (phone === undefined) errors.push({ row, field: "phone", message: PHONE_MESSAGE });
    else values.phone = phone;
  }
  if (resource === "companies") {
    for (const [field, parse, message] of [
      ["domain", parseDomain, "Not a domain name, e.g. acme.com"],
      ["website", parseWebsite, "Not a website URL, e.g. https://acme.com"],
    ] as const) {
      if (typeof values[field] !== "string") continue;
      const parsed = parse(values[field] as string);
      if (parsed === undefined) errors.push({ row, field, message });
      else values[field] = parsed;
    }
    if (!values.domain && typeof values.website === "string") values.domain = parseDomain(values.website) ?? undefined;
  }
  if (errors.length) return { errors };

  let companyName: string | undefined;
  if (resource === "contacts" && typeof values.companyName === "string") {
    companyName = values.companyName;
    delete values.companyName;
  }
  if (Array.isArray(values.tags)) values.tags = cleanTags(values.tags as string[]);
  const columns: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== "") columns[COLUMN_OF[field] ?? field] = value;
  }
  const key = (resource === "companies" ? columns.domain : columns.email) as string | undefined;
  return { row, key: key ?? null, companyName, columns, defaults: DEFAULTS[resource] };
}

const KEY_CHUNK = 5_000;

/** Runs `query` over `keys` in chunks, each passed as one JSON parameter (D1 allows 100 parameters). */
async function inChunks<T>(keys: string[], query: (json: string) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < keys.length; i += KEY_CHUNK) out.push(...(await query(JSON.stringify(keys.slice(i, i + KEY_CHUNK)))));
  return out;
}

const inJson = (column: SQLiteColumn | ReturnType<typeof sql>, json: string) => sql`${column} IN (SELECT value FROM json_each(${json}))`;

/**
 * Existing records the caller can see, by dedupe key → id (the oldest when
 * several share a key). Records hidden by row-level access are not matched.
 */
export async function findExisting(db: Db, orgId: string, actor: Actor, resource: CsvResource, keys: string[]) {
  const found = new Map<string, string>();
  const rows = await inChunks(keys, (json) => {
    if (resource === "companies") {
      return db
        .select({ key: companies.domain, id: companies.id })
        .from(companies)
        .where(and(eq(companies.orgId, orgId), inJson(companies.domain, json), visibleTo(actor, companies.ownerId)))
        .orderBy(asc(companies.createdAt), asc(companies.id));
    }
    const table = resource === "contacts" ? contacts : leads;
    return db
      .select({ key: table.email, id: table.id })
      .from(table)
      .where(and(eq(table.orgId, orgId), inJson(table.email, json), visibleTo(actor, table.ownerId)))
      .orderBy(asc(table.createdAt), asc(table.id));
  });
  for (const r of rows) if (r.key && !found.has(r.key)) found.set(r.key, r.id);
  return found;
}

/** Companies the caller can see, by lowercase name → id (the oldest when names repeat). */
export async function findCompaniesByName(db: Db, orgId: string, actor: Actor, names: string[]) {
  const found = new Map<string, string>();
  const wanted = [...new Set(names.map((n) => n.toLowerCase()))];
  const rows = await inChunks(wanted, (json) =>
    db
      .select({ name: companies.name, id: companies.id })
      .from(companies)
      .where(and(eq(companies.orgId, orgId), inJson(sql`lower(${companies.name})`, json), visibleTo(actor, companies.ownerId)))
      .orderBy(asc(companies.createdAt), asc(companies.id)),
  );
  for (const r of rows) if (!found.has(r.name.toLowerCase())) found.set(r.name.toLowerCase(), r.id);
  return found;
}
