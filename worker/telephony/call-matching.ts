import { and, desc, eq, inArray, isNull, ne } from "drizzle-orm";
import type { Db } from "../platform/db";
import { contacts, deals, leads } from "../../schema";
import { parsePhone } from "../platform/phone";

/**
 * Who is on the other end of a call: the contact, else the (unconverted)
 * lead whose phone is the caller's number, and their open deal. Phones are
 * stored as E.164 (contacts and leads normalize on write), so this is an
 * indexed equality match (contacts_org_phone_idx, leads_org_phone_idx).
 */

export interface CallParty {
  contactId: string | null;
  leadId: string | null;
  dealId: string | null;
  /** The matched record's display name, for the incoming-call pop. */
  name: string | null;
  companyId: string | null;
}

const NOBODY: CallParty = { contactId: null, leadId: null, dealId: null, name: null, companyId: null };

/**
 * A number as the calls table stores it: E.164 when it is a phone number read
 * in the organization's country, otherwise the text as given (an extension,
 * "client:alice", a SIP URI).
 */
export function callNumber(raw: string | null | undefined, defaultCountry: string): string {
  const text = raw?.trim() ?? "";
  if (!text || /^(client|sip):/i.test(text) || /^\d{1,6}$/.test(text)) return text;
  return parsePhone(text, defaultCountry) ?? text;
}

const fullName = (r: { firstName: string; lastName: string }) => `${r.firstName} ${r.lastName}`.trim();

export async function matchCaller(db: Db, orgId: string, number: string): Promise<CallParty> {
  if (!number.startsWith("+")) return NOBODY;
  const contact = await db
    .select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName, companyId: contacts.companyId })
    .from(contacts)
    .where(and(eq(contacts.orgId, orgId), eq(contacts.phone, number)))
    .orderBy(desc(contacts.updatedAt))
    .get();
  if (contact) {
    const deal = await db
      .select({ id: deals.id })
      .from(deals)
      .where(and(eq(deals.orgId, orgId), eq(deals.contactId, contact.id), eq(deals.status, "open")))
      .orderBy(desc(deals.updatedAt))
      .get();
    return { contactId: contact.id, leadId: null, dealId: deal?.id ?? null, name: fullName(contact), companyId: contact.companyId };
  }
  const lead = await db
    .select({ id: leads.id, firstName: leads.firstName, lastName: leads.lastName })
    .from(leads)
    .where(and(eq(leads.orgId, orgId), eq(leads.phone, number), ne(leads.status, "converted"), isNull(leads.convertedAt)))
    .orderBy(desc(leads.updatedAt))
    .get();
  if (!lead) return NOBODY;
  const deal = await db
    .select({ id: deals.id })
    .from(deals)
    .where(and(eq(deals.orgId, orgId), eq(deals.leadId, lead.id), eq(deals.status, "open")))
    .orderBy(desc(deals.updatedAt))
    .get();
  return { contactId: null, leadId: lead.id, dealId: deal?.id ?? null, name: fullName(lead), companyId: null };
}

/** Display names of the contacts and leads calls are linked to, by id. */
export async function partyNames(db: Db, orgId: string, rows: { contactId: string | null; leadId: string | null }[]) {
  const contactIds = [...new Set(rows.map((r) => r.contactId).filter((x): x is string => !!x))];
  const leadIds = [...new Set(rows.map((r) => r.leadId).filter((x): x is string => !!x))];
  const names = new Map<string, string>();
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < contactIds.length; i += 90) {
    const found = await db
      .select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName })
      .from(contacts)
      .where(and(eq(contacts.orgId, orgId), inArray(contacts.id, contactIds.slice(i, i + 90))));
    for (const c of found) names.set(c.id, fullName(c));
  }
  for (let i = 0; i < leadIds.length; i += 90) {
    const found = await db
      .select({ id: leads.id, firstName: leads.firstName, lastName: leads.lastName })
      .from(leads)
      .where(and(eq(leads.orgId, orgId), inArray(leads.id, leadIds.slice(i, i + 90))));
    for (const l of found) names.set(l.id, fullName(l));
  }
  return names;
}
