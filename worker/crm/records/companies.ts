import { and, eq } from "drizzle-orm";
import { visibleTo } from "../../platform/access";
import type { Db } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { hasTag, pageOf } from "../../platform/list";
import { activities, companies, contacts, deals } from "../../../schema";
import { PHONE_MESSAGE } from "../../platform/phone";
import { creationColumns, deleteUnlessDeals, insertRecord, updateRecord } from "./record-writes";
import {
  assertOwner,
  baseConditions,
  cleanTags,
  matchesWords,
  phoneOf,
  publicRecord,
  requireVisible,
  sortBy,
  text,
  type Actor,
} from "../../platform/records";

export type Company = typeof companies.$inferSelect;

export interface CompanyInput {
  name?: string;
  domain?: string | null;
  industry?: string | null;
  size?: string | null;
  phone?: string | null;
  website?: string | null;
  address?: string | null;
  ownerId?: string;
  tags?: string[];
}

export const COMPANY_SORTS = ["name", "createdAt", "updatedAt"] as const;

export interface CompanyQuery {
  page: number;
  perPage: number;
  sort: (typeof COMPANY_SORTS)[number] | `-${(typeof COMPANY_SORTS)[number]}`;
  q?: string;
  ownerId?: string;
  tag?: string;
}

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

/** Validated, normalized column values from the input; only the fields given. */
export async function companyValues(db: Db, orgId: string, input: CompanyInput) {
  const errors: Record<string, string[]> = {};
  const values: Partial<Company> = {};
  if (input.name !== undefined) values.name = input.name.trim();
  for (const key of ["industry", "size", "address"] as const) {
    if (input[key] !== undefined) values[key] = text(input[key]);
  }
  if (input.domain !== undefined) {
    const domain = parseDomain(input.domain);
    if (domain === undefined) errors.domain = ["Not a domain name, e.g. acme.com"];
    else values.domain = domain;
  }
  if (input.website !== undefined) {
    const website = parseWebsite(input.website);
    if (website === undefined) errors.website = ["Not a website URL, e.g. https://acme.com"];
    else values.website = website;
  }
  if (input.phone !== undefined) {
    const phone = await phoneOf(db, orgId, input.phone);
    if (phone === undefined) errors.phone = [PHONE_MESSAGE];
    else values.phone = phone;
  }
  if (input.tags !== undefined) values.tags = cleanTags(input.tags);
  if (input.ownerId !== undefined) values.ownerId = input.ownerId;
  if (Object.keys(errors).length) throw invalid(errors);
  return values;
}

export async function listCompanies(db: Db, orgId: string, actor: Actor, q: CompanyQuery) {
  const { rows, total } = await pageOf<Company>(
    db,
    companies,
    [
      ...baseConditions(companies, orgId, actor),
      q.q ? matchesWords(q.q, "companies_fts", companies, orgId, [companies.name, companies.domain]) : undefined,
      q.ownerId ? eq(companies.ownerId, q.ownerId) : undefined,
      q.tag ? hasTag(companies.tags, q.tag) : undefined,
    ],
    sortBy(q.sort, { name: companies.name, createdAt: companies.createdAt, updatedAt: companies.updatedAt }, companies.id),
    q.page,
    q.perPage,
  );
  return { rows: rows.map(publicRecord), total };
}

/** One company with how many contacts and deals (that the caller can see) belong to it. */
export async function getCompany(db: Db, orgId: string, actor: Actor, id: string) {
  const company = await requireVisible<Company>(db, companies, orgId, actor, id, "Company");
  const [contactCount, dealCount] = await Promise.all([
    db.$count(contacts, and(eq(contacts.orgId, orgId), eq(contacts.companyId, id), visibleTo(actor, contacts.ownerId))),
    db.$count(deals, and(eq(deals.orgId, orgId), eq(deals.companyId, id), visibleTo(actor, deals.ownerId))),
  ]);
  return { ...publicRecord(company), counts: { contacts: contactCount, deals: dealCount } };
}

export async function createCompany(db: Db, orgId: string, actor: Actor, input: CompanyInput & { id?: string; name: string }) {
  await assertOwner(db, orgId, actor, input.ownerId);
  const values = await companyValues(db, orgId, input);
  // A website alone still gives the company a domain, so imports and search can match it.
  if (values.domain == null && values.website) values.domain = parseDomain(values.website) ?? null;
  const now = Date.now();
  const row: Company = {
    id: input.id ?? newId(),
    orgId,
    name: values.name!,
    domain: values.domain ?? null,
    industry: values.industry ?? null,
    size: values.size ?? null,
    phone: values.phone ?? null,
    website: values.website ?? null,
    address: values.address ?? null,
    ...creationColumns(actor, values, now),
  };
  return insertRecord(db, companies, orgId, actor, row, { entity: "company", changes: { name: row.name, domain: row.domain } });
}

export async function updateCompany(db: Db, orgId: string, actor: Actor, id: string, input: CompanyInput) {
  const before = await requireVisible<Company>(db, companies, orgId, actor, id, "Company");
  await assertOwner(db, orgId, actor, input.ownerId, before.ownerId);
  return updateRecord(db, companies, orgId, actor, before, await companyValues(db, orgId, input), "company");
}

/** Deletes a company; its contacts and activities stay, unlinked. One that deals point at is kept (409). */
export async function deleteCompany(db: Db, orgId: string, actor: Actor, id: string) {
  const company = await requireVisible<Company>(db, companies, orgId, actor, id, "Company");
  await deleteUnlessDeals(db, companies, orgId, actor, id, {
    what: "Company",
    dealColumn: deals.companyId,
    audit: { entity: "company", changes: { name: company.name } },
    unlink: (gone) => [
      db.update(contacts).set({ companyId: null }).where(and(eq(contacts.orgId, orgId), eq(contacts.companyId, id), gone)),
      db.update(activities).set({ companyId: null }).where(and(eq(activities.orgId, orgId), eq(activities.companyId, id), gone)),
    ],
    conflictMessage: "Deals are linked to this company; move them to another company first",
  });
}
