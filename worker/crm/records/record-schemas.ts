import { z } from "@hono/zod-openapi";
import { paginationQuery } from "../../platform/http";

/**
 * Zod pieces shared by the CRM record routes (companies, contacts, leads,
 * activities) and the CSV import, so one field is validated the same way
 * everywhere.
 */

/** A client-minted id for offline creation; the server mints a UUIDv7 otherwise. */
export const ClientId = z.uuid().openapi({ description: "Optional client-minted UUID (offline creation); 409 if taken" });

export const RecordRef = z.uuid();

export const Tags = z
  .array(z.string().trim().min(1, "Tags are 1-40 characters").max(40, "Tags are 1-40 characters"))
  .max(20, "At most 20 tags")
  .openapi({ example: ["vip", "q3"] });

/** Optional free text: trimmed, empty means none, null clears it on PATCH. */
export const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

export const Email = z.string().trim().toLowerCase().email().max(254);

/** Epoch milliseconds. */
export const Millis = z.number().int().min(0).max(8_640_000_000_000_000);

/** Fields every record answers with. */
export const recordFields = {
  id: z.string(),
  ownerId: z.string().nullable(),
  tags: z.array(z.string()),
  createdBy: z.string().nullable(),
  updatedBy: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
};

/** Fields every record takes on create (and, but for `id`, on update). */
export const recordInput = {
  ownerId: z.uuid().optional().openapi({ description: "A member of the organization; defaults to you" }),
  tags: Tags.optional(),
};

/** Filters every record list (and its CSV export) takes. */
export const recordFilters = {
  q: z.string().trim().min(1).max(100).optional().openapi({ description: "Case-insensitive substring" }),
  ownerId: z.string().min(1).max(64).optional(),
  tag: z.string().trim().min(1).max(40).optional(),
};

/** Query parameters every record list takes. */
export const recordListQuery = { ...paginationQuery, ...recordFilters };

/** The answer of a CSV export route, for the OpenAPI document. */
export const csvResponse = (description: string) => ({
  content: { "text/csv": { schema: z.string().openapi({ description: "UTF-8 CSV with a header row" }) } },
  description,
});

const Phone = optionalText(40).openapi({ description: "Stored as E.164, read with the organization's default country" });

/** What contacts and leads take alike: a lead becomes a contact on conversion. */
const personFields = {
  firstName: z.string().trim().min(1).max(100),
  lastName: optionalText(100),
  email: Email.nullable().optional().openapi({ description: "Stored lowercase" }),
  phone: Phone,
  title: optionalText(120),
};

/** A company's own fields, as the API and the CSV import take them. */
export const companyFields = {
  name: z.string().trim().min(1).max(200),
  domain: optionalText(253).openapi({ description: "Stored lowercase without scheme or www, e.g. acme.com" }),
  industry: optionalText(100),
  size: optionalText(50).openapi({ example: "51-200" }),
  phone: Phone,
  website: optionalText(2048),
  address: optionalText(500),
};

/** A contact's own fields. */
export const contactFields = {
  ...personFields,
  companyId: RecordRef.nullable().optional(),
  source: optionalText(100),
};

/** The statuses a person sets; "converted" is only ever set by lead conversion. */
export const EDITABLE_LEAD_STATUSES = ["new", "contacted", "qualified", "unqualified"] as const;

export const LeadStatus = z.enum(EDITABLE_LEAD_STATUSES, {
  error: `Use one of ${EDITABLE_LEAD_STATUSES.join(", ")}; "converted" is set only by converting the lead`,
});

/** A lead's own fields. */
export const leadFields = {
  ...personFields,
  companyName: optionalText(200),
  source: optionalText(100),
  status: LeadStatus.optional(),
  /** Computed by worker/scoring; a manager overrides it through the scoring API, never here. */
  score: z
    .unknown()
    .refine(() => false, { message: "The score is computed; a manager overrides it with PUT /api/scoring/lead/{id}/override" })
    .optional()
    .openapi({ description: "Not accepted: the score is computed (see /api/scoring)" }),
  notes: optionalText(10_000),
};
