import { and, eq, sql } from "drizzle-orm";
import { canSeeRecord } from "../../platform/access";
import type { Db } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { hasTag } from "../../platform/list";
import { activities, companies, contacts, deals } from "../../../schema";
import { PHONE_MESSAGE } from "../../platform/phone";
import { link, pageWithNames } from "./record-links";
import { creationColumns, deleteUnlessDeals, insertRecord, updateRecord } from "./record-writes";
import {
  assertLink,
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

export type Contact = typeof contacts.$inferSelect;

export interface ContactInput {
  firstName?: string;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  companyId?: string | null;
  source?: string | null;
  ownerId?: string;
  tags?: string[];
}

export const CONTACT_SORTS = ["name", "email", "createdAt", "updatedAt"] as const;

export interface ContactQuery {
  page: number;
  perPage: number;
  sort: (typeof CONTACT_SORTS)[number] | `-${(typeof CONTACT_SORTS)[number]}`;
  q?: string;
  companyId?: string;
  ownerId?: string;
  tag?: string;
  email?: string;
}

/** Validated, normalized column values from the input; only the fields given. */
async function contactValues(db: Db, orgId: string, actor: Actor, input: ContactInput, before?: Contact) {
  const values: Partial<Contact> = {};
  if (input.firstName !== undefined) values.firstName = input.firstName.trim();
  if (input.lastName !== undefined) values.lastName = input.lastName?.trim() ?? "";
  for (const key of ["email", "title", "source"] as const) {
    if (input[key] !== undefined) values[key] = text(input[key]);
  }
  if (input.phone !== undefined) {
    const phone = await phoneOf(db, orgId, input.phone);
    if (phone === undefined) throw invalid({ phone: [PHONE_MESSAGE] });
    values.phone = phone;
  }
  if (input.companyId !== undefined) {
    await assertLink(db, companies, orgId, actor, input.companyId, "companyId");
    values.companyId = input.companyId;
  }
  if (input.tags !== undefined) values.tags = cleanTags(input.tags);
  if (input.ownerId !== undefined) {
    await assertOwner(db, orgId, actor, input.ownerId, before?.ownerId);
    values.ownerId = input.ownerId;
  }
  return values;
}

export async function listContacts(db: Db, orgId: string, actor: Actor, q: ContactQuery) {
  const { rows, total } = await pageWithNames<Contact, "companyName">(
    db,
    actor,
    orgId,
    contacts,
    { companyName: link(companies, contacts.companyId, sql`${companies.name}`) },
    [
      ...baseConditions(contacts, orgId, actor),
      q.q
        ? matchesWords(q.q, "contacts_fts", contacts, orgId, [contacts.firstName, contacts.lastName, contacts.email])
        : undefined,
      q.companyId ? eq(contacts.companyId, q.companyId) : undefined,
      q.ownerId ? eq(contacts.ownerId, q.ownerId) : undefined,
      q.tag ? hasTag(contacts.tags, q.tag) : undefined,
      q.email ? eq(contacts.email, q.email.trim().toLowerCase()) : undefined,
    ],
    sortBy(
      q.sort,
      {
        name: [contacts.lastName, contacts.firstName],
        email: contacts.email,
        createdAt: contacts.createdAt,
        updatedAt: contacts.updatedAt,
      },
      contacts.id,
    ),
    q.page,
    q.perPage,
  );
  return { rows: rows.map(publicRecord), total };
}

/** One contact with its company (`{id, name}`, null when none or not visible to the caller). */
export async function getContact(db: Db, orgId: string, actor: Actor, id: string) {
  const contact = await requireVisible<Contact>(db, contacts, orgId, actor, id, "Contact");
  let company: { id: string; name: string } | null = null;
  if (contact.companyId) {
    const row = await db
      .select({ id: companies.id, name: companies.name, ownerId: companies.ownerId })
      .from(companies)
      .where(and(eq(companies.orgId, orgId), eq(companies.id, contact.companyId)))
      .get();
    if (row && canSeeRecord(actor, row.ownerId)) company = { id: row.id, name: row.name };
  }
  return { ...publicRecord(contact), company };
}

export async function createContact(db: Db, orgId: string, actor: Actor, input: ContactInput & { id?: string; firstName: string }) {
  const values = await contactValues(db, orgId, actor, input);
  const now = Date.now();
  const row: Contact = {
    id: input.id ?? newId(),
    orgId,
    firstName: values.firstName!,
    lastName: values.lastName ?? "",
    email: values.email ?? null,
    phone: values.phone ?? null,
    title: values.title ?? null,
    companyId: values.companyId ?? null,
    source: values.source ?? null,
    ...creationColumns(actor, values, now),
  };
  return insertRecord(db, contacts, orgId, actor, row, {
    entity: "contact",
    changes: { firstName: row.firstName, lastName: row.lastName, email: row.email },
  });
}

export async function updateContact(db: Db, orgId: string, actor: Actor, id: string, input: ContactInput) {
  const before = await requireVisible<Contact>(db, contacts, orgId, actor, id, "Contact");
  return updateRecord(db, contacts, orgId, actor, before, await contactValues(db, orgId, actor, input, before), "contact");
}

/** Deletes a contact; its activities stay, unlinked. One that deals point at is kept (409). */
export async function deleteContact(db: Db, orgId: string, actor: Actor, id: string) {
  const contact = await requireVisible<Contact>(db, contacts, orgId, actor, id, "Contact");
  await deleteUnlessDeals(db, contacts, orgId, actor, id, {
    what: "Contact",
    dealColumn: deals.contactId,
    audit: { entity: "contact", changes: { firstName: contact.firstName, lastName: contact.lastName, email: contact.email } },
    unlink: (gone) => [
      db.update(activities).set({ contactId: null }).where(and(eq(activities.orgId, orgId), eq(activities.contactId, id), gone)),
    ],
    conflictMessage: "Deals are linked to this contact; move them to another contact first",
  });
}
