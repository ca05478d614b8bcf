import { z } from "@hono/zod-openapi";
import { companyFields, contactFields, leadFields, Tags } from "../records/record-schemas";

/**
 * What a CSV column means, per resource: the header names recognised for each
 * field (our own export headers, common spreadsheet names and Salesforce's
 * report and data-export names), and the columns of an export.
 */
export const CSV_RESOURCES = ["contacts", "companies", "leads"] as const;
export type CsvResource = (typeof CSV_RESOURCES)[number];

/** A header as it is matched: lowercase letters and digits only ("Billing Zip/Postal Code" → "billingzippostalcode"). */
export const headerKey = (header: string) => header.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

const PHONE = ["phone", "phonenumber", "businessphone", "workphone", "telephone", "tel", "mobile", "mobilephone", "cellphone", "cell"];
const EMAIL = ["email", "emailaddress", "mail", "workemail", "businessemail", "primaryemail"];
const FIRST = ["firstname", "first", "givenname", "fname"];
const LAST = ["lastname", "last", "surname", "familyname", "lname"];
const FULL = ["name", "fullname", "contactname", "leadname"];
const SOURCE = ["source", "leadsource", "contactsource"];
const TAGS = ["tags", "tag", "labels"];

/**
 * Field → recognised header keys, in priority order: when several columns map
 * to one field, a row takes the first non-empty one (Phone before Mobile),
 * except for `address`, which joins them (Billing Street, City, ...).
 * `fullName` fills first and last name when those are empty; a contact's
 * `companyName` links the contact to that company, creating it if needed.
 */
export const IMPORT_FIELDS: Record<CsvResource, Record<string, string[]>> = {
  contacts: {
    firstName: FIRST,
    lastName: LAST,
    fullName: FULL,
    email: EMAIL,
    phone: PHONE,
    title: ["title", "jobtitle", "position"],
    companyName: ["accountname", "companyname", "company", "account", "organization", "organisation"],
    source: SOURCE,
    tags: TAGS,
  },
  leads: {
    firstName: FIRST,
    lastName: LAST,
    fullName: FULL,
    email: EMAIL,
    phone: PHONE,
    title: ["title", "jobtitle", "position"],
    companyName: ["companyname", "company", "accountname", "account", "organization", "organisation"],
    source: SOURCE,
    status: ["status", "leadstatus"],
    notes: ["notes", "note", "description", "comments"],
    tags: TAGS,
  },
  companies: {
    name: ["name", "accountname", "companyname", "company", "account", "organization", "organisation"],
    domain: ["domain", "companydomain", "emaildomain"],
    industry: ["industry", "sector"],
    size: ["size", "employees", "numberofemployees", "companysize", "headcount"],
    phone: ["phone", "companyphone", "mainphone", "businessphone", "telephone", "tel"],
    website: ["website", "url", "web", "homepage", "websiteurl"],
    address: [
      "address", "billingaddress", "fulladdress", "billingstreet", "street", "streetaddress", "billingcity", "city",
      "billingstateprovince", "billingstate", "stateprovince", "state", "billingzippostalcode", "billingzip",
      "billingpostalcode", "zippostalcode", "zip", "postalcode", "billingcountry", "country",
    ],
    tags: TAGS,
  },
};

export const JOINED_FIELDS = new Set(["address"]);

/** The field a row must have (or, for people, `fullName` instead). */
export const REQUIRED_FIELD: Record<CsvResource, string> = { contacts: "firstName", leads: "firstName", companies: "name" };

/** Salesforce's default lead statuses, and other common ones, in our vocabulary. */
export const LEAD_STATUS_ALIASES: Record<string, string> = {
  openandnotcontacted: "new",
  opennotcontacted: "new",
  open: "new",
  workingcontacted: "contacted",
  working: "contacted",
  contacted: "contacted",
  qualified: "qualified",
  closednotconverted: "unqualified",
  notconverted: "unqualified",
  disqualified: "unqualified",
  unqualified: "unqualified",
  new: "new",
};

/** How one imported row is validated: the API's own field rules. */
export const IMPORT_ROW_SCHEMAS: Record<CsvResource, z.ZodObject> = {
  contacts: z.object({
    ...contactFields,
    companyName: companyFields.name.optional(),
    tags: Tags.optional(),
  }),
  leads: z.object({ ...leadFields, tags: Tags.optional() }),
  companies: z.object({ ...companyFields, tags: Tags.optional() }),
};

type Row = Record<string, unknown>;
export interface ExportColumn {
  header: string;
  value: (row: Row) => string | number | null | undefined;
}

const field = (name: string): ExportColumn => ({ header: name, value: (r) => r[name] as string | number | null });
const iso = (name: string): ExportColumn => ({ header: name, value: (r) => new Date(r[name] as number).toISOString() });
const tail: ExportColumn[] = [
  field("ownerId"),
  { header: "tags", value: (r) => (r.tags as string[]).join("; ") },
  iso("createdAt"),
  iso("updatedAt"),
];

/** Export columns use the API's field names, so an export imports back as it is. */
export const EXPORT_COLUMNS: Record<CsvResource, ExportColumn[]> = {
  contacts: [
    ...["id", "firstName", "lastName", "email", "phone", "title", "companyId", "companyName", "source"].map(field),
    ...tail,
  ],
  leads: [
    ...["id", "firstName", "lastName", "email", "phone", "title", "companyName", "source", "status", "score", "notes"].map(field),
    ...tail,
  ],
  companies: [...["id", "name", "domain", "industry", "size", "phone", "website", "address"].map(field), ...tail],
};
