import { z } from "@hono/zod-openapi";
import type { SQL } from "drizzle-orm";
import { companies, contacts, leads } from "../../../schema";
import type { Db } from "../../platform/db";
import type { Actor } from "../../platform/records";
import { exportCsv } from "../imports/csv-export";
import type { CsvResource } from "../imports/csv-fields";
import { companyService } from "./company-record-type";
import { contactService } from "./contact-record-type";
import { leadService } from "./lead-record-type";
import { recordFilters } from "./record-schemas";
import type { RecordService } from "./record-service";

/**
 * A saved list filter (a segment, worker/automation/segments) selects records
 * through the list's own parser and query builder: the filter is validated
 * by the schema the list's query parameters are, and turned into the
 * conditions the list runs, so a segment and the list with the same filter
 * hold the same records.
 */
export type SelectableEntity = "contact" | "company" | "lead";

const services: Record<SelectableEntity, { service: RecordService; csv: CsvResource }> = {
  contact: { service: contactService, csv: "contacts" },
  company: { service: companyService, csv: "companies" },
  lead: { service: leadService, csv: "leads" },
};

const tables = { contact: contacts, company: companies, lead: leads } as const;

/** The list's query parameters that are filters (not paging or sort), unknown ones refused. */
export function selectionFilterSchema(entity: SelectableEntity) {
  const { spec } = services[entity].service;
  const own = Object.fromEntries(Object.entries(spec.filters as Record<string, { schema: z.ZodTypeAny }>).map(([key, { schema }]) => [key, schema]));
  return z.object({ ...recordFilters, ...own }).strict();
}

/** Filters whose result moves with the clock alone ("no activity in 30 days"). */
export function isTimeRelative(entity: SelectableEntity, filter: Record<string, unknown>): boolean {
  const filters = services[entity].service.spec.filters as Record<string, { timeRelative?: boolean }>;
  return Object.keys(filter).some((key) => filters[key]?.timeRelative);
}

/** Every filter key, of any type, whose result moves with the clock or with activities. */
export const timeRelativeKeys = (): string[] => [
  ...new Set(
    Object.values(services).flatMap(({ service }) =>
      Object.entries(service.spec.filters as Record<string, { timeRelative?: boolean }>)
        .filter(([, f]) => f.timeRelative)
        .map(([key]) => key),
    ),
  ),
];

/** Filters that read another record (a contact's company), so that record's changes move members too. */
export const readsLinkedCompany = (entity: SelectableEntity, filter: Record<string, unknown>) => entity === "contact" && filter.companyTag !== undefined;

export const selectionTable = (entity: SelectableEntity) => tables[entity];

/** The list's WHERE conditions for a parsed filter, evaluated at `now`. */
export function selectionConditions(entity: SelectableEntity, orgId: string, actor: Actor, filter: Record<string, unknown>, now: number): (SQL | undefined)[] {
  return services[entity].service.conditions(orgId, actor, filter as never, now);
}

/** A page of records in their list shape (as the list answers them), narrowed by `within`. */
export function listSelection(db: Db, orgId: string, actor: Actor, entity: SelectableEntity, page: { page: number; perPage: number }, within: SQL) {
  const { spec } = services[entity].service;
  return services[entity].service.list(db, orgId, actor, { ...page, sort: spec.defaultSort } as never, within) as Promise<{
    rows: ({ id: string } & Record<string, unknown>)[];
    total: number;
  }>;
}

/** The list's CSV export (same columns, formula-safe), narrowed by `within`. */
export function exportSelection(db: Db, orgId: string, actor: Actor, entity: SelectableEntity, within: SQL) {
  const { csv, service } = services[entity];
  return { stream: exportCsv(db, orgId, actor, { resource: csv, query: { sort: service.spec.defaultSort } } as never, within), resource: csv };
}
