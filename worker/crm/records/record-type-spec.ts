import type { z } from "@hono/zod-openapi";
import type { SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../platform/db";
import type { EventEntity } from "../../../schema";
import type { matchesWords, RecordTable } from "../../platform/records";
import type { CsvResource } from "../imports/csv-fields";

/**
 * What sets one CRM record type (contacts, leads, companies) apart from the
 * others, so that one service (record-service.ts) and one router
 * (record-router.ts) serve them all. A difference between the types is data
 * here, or a small hook where it is a rule only one type has.
 */

/** A record as its table stores it. */
export type RowOf<T extends RecordTable> = T["$inferSelect"] & { id: string; orgId: string; ownerId: string | null; tags: string[] };

/** The columns record-writes' creationColumns fills in, the same for every type. */
type CreationColumn = "id" | "orgId" | "ownerId" | "tags" | "createdBy" | "updatedBy" | "createdAt" | "updatedAt";

/** How one input field becomes its column value. */
export interface FieldRule {
  /** The value to store; undefined when the rule refuses the input. */
  value(input: unknown, scope: { db: Db; orgId: string }): unknown;
  /** Why a refused input is not valid; a rule without it accepts every input the schema lets through. */
  invalid?: string;
}

/** A column, by its key, of a table whose rows point at a record. */
export interface Pointer {
  table: RecordTable;
  key: string;
}

/** A field naming another record (a contact's `companyId`), checked on write and named on lists and the detail. */
export interface RecordLink {
  to: RecordTable;
  name: SQLiteColumn;
  /** The list row's key for the linked record's name (`companyName`). */
  listedAs: string;
  /** The detail's key for the linked record as `{id, name}` (`company`). */
  detailedAs: string;
}

/**
 * A list filter beyond `q`, `ownerId` and `tag`: its query parameter, and the
 * condition a value sets. `now` is passed in so relative filters ("no
 * activity in 30 days") are evaluated against one clock per query.
 */
export interface RecordFilter<S extends z.ZodTypeAny = z.ZodTypeAny> {
  schema: S;
  where(value: NonNullable<z.output<S>>, now: number): SQL;
  /** Whether the filter's result changes with time alone (segments re-evaluate those on a schedule). */
  timeRelative?: boolean;
}

/**
 * The type parameters carry the spec's schemas and fields through the service
 * and the router, so the routes declare (and the typed client sees) each
 * type's own rows, detail and bodies.
 */
export interface RecordTypeSpec<
  T extends RecordTable,
  Fields extends z.ZodRawShape,
  Required extends keyof Fields & string,
  Sort extends string,
  Filters extends Record<string, RecordFilter>,
  Schema extends z.ZodTypeAny,
  Detail extends z.ZodTypeAny,
  ListRow extends z.ZodTypeAny,
> {
  table: T;
  /** Singular ("Contact"): not-found errors, the detail's OpenAPI description, "Contact deleted". */
  name: string;
  /** Plural ("Contacts"): the OpenAPI tag. */
  tag: string;
  /** The audit log's entity ("contact"), which is also the entity of its domain events. */
  entity: Extract<EventEntity, "contact" | "company" | "lead">;
  /** The CSV export of the list, which is also its file name. */
  csv: CsvResource;

  /** The type's own input fields as the API and the CSV import validate them (record-schemas.ts). */
  fields: Fields;
  /** The one field a create cannot do without; an update may leave it out. */
  required: Required;
  /** How each field becomes its column, in the order changes are audited; links, tags and owner come after. */
  rules: { [K in keyof Fields]?: FieldRule };
  links: Record<string, RecordLink>;
  /** The owner is checked before the fields, so a bad owner is the error such a request answers. */
  ownerFirst?: boolean;
  /** The type's own columns as a new record starts them, in the order a create answers them. */
  blank: Omit<RowOf<T>, CreationColumn>;
  /** Completes a new record's values before it is inserted. */
  beforeInsert?(values: Partial<RowOf<T>>): void;
  /**
   * Adds what the type answers beyond its own columns (a lead's score
   * factors and model), for a page of records at once.
   */
  decorate?(db: Db, orgId: string, ids: string[]): Promise<Map<string, Record<string, unknown>>>;
  /** Refuses, once its values are valid, an update the type does not allow. */
  beforeUpdate?(before: RowOf<T>, values: Partial<RowOf<T>>): void;

  search: { fts: Parameters<typeof matchesWords>[1]; columns: SQLiteColumn[] };
  /** Sort keys in the order the API lists them; a key may sort by several columns. */
  sorts: Record<Sort, SQLiteColumn | SQLiteColumn[]>;
  defaultSort: NoInfer<Sort> | `-${NoInfer<Sort>}`;
  filters: Filters;

  /** Records pointing at this one, counted on its detail (those the caller may see). */
  counts?: Record<string, Pointer>;
  /** The fields the audit row of a create and of a delete records. */
  audited: { create: (keyof RowOf<T> & string)[]; remove: (keyof RowOf<T> & string)[] };
  /** The deals column pointing at this type: a record deals point at is not deleted. */
  dealColumn: SQLiteColumn;
  /** Columns cleared when a record is deleted, so what pointed at it stays, unlinked. */
  unlinkOnDelete: Pointer[];
  deleteConflict: string;

  /** The record as create and update answer it. */
  schema: Schema;
  /** The record as GET /{id} answers it: `schema`, or `schema` with linked records or counts. */
  detailSchema: Detail;
  /** A list row: `schema`, or `schema` with the names of linked records. */
  listSchema: ListRow;
  summaries: { list: string; create: string; get: string; update: string; remove: string };
  /** Why update or delete can answer 409. */
  conflicts: { update?: string; remove?: string };
}

/** A spec with its type parameters inferred from it. */
export const recordType = <
  T extends RecordTable,
  Fields extends z.ZodRawShape,
  Required extends keyof Fields & string,
  Sort extends string,
  Filters extends Record<string, RecordFilter>,
  Schema extends z.ZodTypeAny,
  Detail extends z.ZodTypeAny,
  ListRow extends z.ZodTypeAny,
>(
  spec: RecordTypeSpec<T, Fields, Required, Sort, Filters, Schema, Detail, ListRow>,
) => spec;

export const filter = <S extends z.ZodTypeAny>(
  schema: S,
  where: (value: NonNullable<z.output<S>>, now: number) => SQL,
  timeRelative = false,
): RecordFilter<S> => ({
  schema,
  where,
  timeRelative,
});

/** A column pointing at a record, checked against its table's keys. */
export const pointer = <T extends RecordTable>(table: T, key: keyof T["$inferSelect"] & string): Pointer => ({ table, key });

/** The column of a table by its key (`companyId`). */
export const columnOf = (table: RecordTable, key: string) => (table as unknown as Record<string, SQLiteColumn>)[key] as SQLiteColumn;

/** A type's input: its own fields, owner and tags, each optional (an update sends only what changes). */
export type RecordInput<Fields extends z.ZodRawShape> = { [K in keyof Fields]?: z.output<Fields[K]> } & {
  ownerId?: string;
  tags?: string[];
};

/** A type's list query: paging, sort, the filters every list takes, and its own. */
export type RecordQuery<Sort extends string, Filters extends Record<string, RecordFilter>> = {
  page: number;
  perPage: number;
  sort: Sort | `-${Sort}`;
  q?: string;
  ownerId?: string;
  tag?: string;
} & { [K in keyof Filters]?: z.output<Filters[K]["schema"]> };
