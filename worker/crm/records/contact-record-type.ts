import { z } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { activities, companies, contacts, deals } from "../../../schema";
import { phoneNumber, textOrNull } from "./record-field-rules";
import { blankPerson, personRules, personSchemaFields } from "./person-record-type";
import { contactFields, recordFields } from "./record-schemas";
import { recordService, type ListQueryOf } from "./record-service";
import { filter, pointer, recordType } from "./record-type-spec";
import { recencyFilters } from "./record-recency-filters";
import { hasTag } from "../../platform/list";

const ContactSchema = z
  .object({
    ...recordFields,
    ...personSchemaFields,
    companyId: z.string().nullable(),
    source: z.string().nullable(),
  })
  .openapi("Contact");

export const contactType = recordType({
  table: contacts,
  name: "Contact",
  tag: "Contacts",
  entity: "contact",
  csv: "contacts",

  fields: contactFields,
  required: "firstName",
  rules: {
    ...personRules,
    source: textOrNull,
    phone: phoneNumber,
  },
  links: { companyId: { to: companies, name: companies.name, listedAs: "companyName", detailedAs: "company" } },
  blank: { ...blankPerson, companyId: null, source: null },

  search: { fts: "contacts_fts", columns: [contacts.firstName, contacts.lastName, contacts.email] },
  sorts: {
    name: [contacts.lastName, contacts.firstName],
    email: contacts.email,
    createdAt: contacts.createdAt,
    updatedAt: contacts.updatedAt,
  },
  defaultSort: "name",
  filters: {
    companyId: filter(z.string().min(1).max(64).optional(), (id) => eq(contacts.companyId, id)),
    // Emails are stored lowercase, so this finds one however it was typed.
    email: filter(z.string().trim().min(1).max(254).optional(), (email) => eq(contacts.email, email.trim().toLowerCase())),
    // A linked record's tag: contacts of the companies carrying it.
    companyTag: filter(z.string().trim().min(1).max(40).optional().openapi({ description: "Contacts whose company carries this tag" }), (tag) =>
      sql`EXISTS (SELECT 1 FROM ${companies} WHERE ${and(eq(companies.orgId, contacts.orgId), eq(companies.id, contacts.companyId), hasTag(companies.tags, tag))})`,
    ),
    ...recencyFilters(contacts, activities.contactId),
  },

  audited: { create: ["firstName", "lastName", "email"], remove: ["firstName", "lastName", "email"] },
  dealColumn: deals.contactId,
  unlinkOnDelete: [pointer(activities, "contactId")],
  deleteConflict: "Deals are linked to this contact; move them to another contact first",

  schema: ContactSchema,
  detailSchema: ContactSchema.extend({
    company: z.object({ id: z.string(), name: z.string() }).nullable(),
  }).openapi("ContactDetail"),
  listSchema: ContactSchema.extend({
    companyName: z.string().nullable().openapi({ description: "The linked company's name; null when none or not visible to you" }),
  }).openapi("ContactRow"),
  summaries: {
    list: "Contacts, filtered, sorted (name is last name, then first name) and paginated",
    create: "Create a contact",
    get: "One contact, with its company",
    update: "Change some fields of a contact (null clears an optional field)",
    remove: "Delete a contact; its activities stay, unlinked",
  },
  conflicts: { remove: "Deals are linked to the contact" },
});

export const contactService = recordService(contactType);
export const listContacts = contactService.list;
export type ContactQuery = ListQueryOf<typeof contactService>;
