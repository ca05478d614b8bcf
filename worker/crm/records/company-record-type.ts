import { z } from "@hono/zod-openapi";
import { activities, companies, contacts, deals } from "../../../schema";
import { phoneNumber, textOrNull, trimmed } from "./record-field-rules";
import { companyFields, recordFields } from "./record-schemas";
import { recordService, type ListQueryOf } from "./record-service";
import { pointer, recordType } from "./record-type-spec";
import { recencyFilters } from "./record-recency-filters";

/** The parsed URL, or null when the text is not one (the URL constructor throws). */
function urlOf(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * `acme.com` from `https://www.Acme.com/about`: lowercase host, no scheme,
 * path, port or `www.`. Empty is null; undefined means it is not a domain.
 */
export function parseDomain(raw: string | null | undefined): string | null | undefined {
  const value = raw?.trim().toLowerCase();
  if (!value) return null;
  const bare = value.replace(/^[a-z][a-z0-9+.-]*:\/\//, "").replace(/^\/\//, "");
  const url = urlOf(`http://${bare}`);
  if (!url) return undefined;
  const host = url.hostname.replace(/^www\./, "").replace(/\.$/, "");
  return /^([a-z0-9-]+\.)+[a-z0-9-]{2,}$/.test(host) ? host : undefined;
}

/** A website URL, given a scheme (`https://`) when it has none; only http(s). */
export function parseWebsite(raw: string | null | undefined): string | null | undefined {
  const value = raw?.trim();
  if (!value) return null;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  const parsed = urlOf(url);
  if (!parsed) return undefined;
  return (parsed.protocol === "https:" || parsed.protocol === "http:") && parsed.hostname.includes(".") ? url : undefined;
}

const CompanySchema = z
  .object({
    ...recordFields,
    name: z.string(),
    domain: z.string().nullable(),
    industry: z.string().nullable(),
    size: z.string().nullable(),
    phone: z.string().nullable(),
    website: z.string().nullable(),
    address: z.string().nullable(),
  })
  .openapi("Company");

export const companyType = recordType({
  table: companies,
  name: "Company",
  tag: "Companies",
  entity: "company",
  csv: "companies",

  fields: companyFields,
  required: "name",
  rules: {
    name: trimmed,
    industry: textOrNull,
    size: textOrNull,
    address: textOrNull,
    domain: { value: (input: string | null) => parseDomain(input), invalid: "Not a domain name, e.g. acme.com" },
    website: { value: (input: string | null) => parseWebsite(input), invalid: "Not a website URL, e.g. https://acme.com" },
    phone: phoneNumber,
  },
  links: {},
  ownerFirst: true,
  blank: { name: "", domain: null, industry: null, size: null, phone: null, website: null, address: null },
  beforeInsert(values) {
    // A website alone still gives the company a domain, so imports and search can match it.
    if (values.domain == null && values.website) values.domain = parseDomain(values.website) ?? null;
  },

  search: { fts: "companies_fts", columns: [companies.name, companies.domain] },
  sorts: { name: companies.name, createdAt: companies.createdAt, updatedAt: companies.updatedAt },
  defaultSort: "name",
  filters: recencyFilters(companies, activities.companyId),

  counts: { contacts: pointer(contacts, "companyId"), deals: pointer(deals, "companyId") },
  audited: { create: ["name", "domain"], remove: ["name"] },
  dealColumn: deals.companyId,
  unlinkOnDelete: [pointer(contacts, "companyId"), pointer(activities, "companyId")],
  deleteConflict: "Deals are linked to this company; move them to another company first",

  schema: CompanySchema,
  detailSchema: CompanySchema.extend({
    counts: z.object({ contacts: z.number().int(), deals: z.number().int() }),
  }).openapi("CompanyDetail"),
  listSchema: CompanySchema,
  summaries: {
    list: "Companies, filtered, sorted and paginated",
    create: "Create a company",
    get: "One company, with counts of its contacts and deals",
    update: "Change some fields of a company (null clears an optional field)",
    remove: "Delete a company; its contacts and activities stay, unlinked",
  },
  conflicts: { remove: "Deals are linked to the company" },
});

export const companyService = recordService(companyType);
export const listCompanies = companyService.list;
export type CompanyQuery = ListQueryOf<typeof companyService>;
