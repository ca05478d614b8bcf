import { and, desc, eq, isNull, ne } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { companies, contacts, leads } from "../../../schema";
import { parsePhone } from "../../platform/phone";
import { defaultCountryOf } from "../../platform/records";

/**
 * 3CX's contact lookup: who is calling, by number. The answer is the JSON the
 * template's Variables read (`contacts.firstName`, ...): contacts first, then
 * unconverted leads, an empty list when nobody matches. Only the provider's
 * own organization is searched.
 */

export interface ThreeCxContact {
  id: string;
  entityType: "Contacts" | "Leads";
  firstName: string;
  lastName: string;
  company: string;
  email: string;
  phoneBusiness: string;
  phoneMobile: string;
  contactUrl: string;
}

const MAX_MATCHES = 5;

export async function lookupByNumber(db: Db, orgId: string, number: string, appOrigin: string): Promise<{ contacts: ThreeCxContact[] }> {
  const phone = parsePhone(number, await defaultCountryOf(db, orgId));
  if (!phone) throw invalid({ number: ["A phone number, e.g. +14155550132 or one in the organization's national format"] });
  const found = await db
    .select({
      id: contacts.id,
      firstName: contacts.firstName,
      lastName: contacts.lastName,
      email: contacts.email,
      phone: contacts.phone,
      company: companies.name,
    })
    .from(contacts)
    .leftJoin(companies, and(eq(companies.id, contacts.companyId), eq(companies.orgId, orgId)))
    .where(and(eq(contacts.orgId, orgId), eq(contacts.phone, phone)))
    .orderBy(desc(contacts.updatedAt))
    .limit(MAX_MATCHES);
  if (found.length) {
    return {
      contacts: found.map((c) => ({
        id: c.id,
        entityType: "Contacts" as const,
        firstName: c.firstName,
        lastName: c.lastName,
        company: c.company ?? "",
        email: c.email ?? "",
        phoneBusiness: c.phone ?? "",
        phoneMobile: "",
        contactUrl: `${appOrigin}/contacts/${c.id}`,
      })),
    };
  }
  const matchedLeads = await db
    .select({ id: leads.id, firstName: leads.firstName, lastName: leads.lastName, email: leads.email, phone: leads.phone, company: leads.companyName })
    .from(leads)
    .where(and(eq(leads.orgId, orgId), eq(leads.phone, phone), ne(leads.status, "converted"), isNull(leads.convertedAt)))
    .orderBy(desc(leads.updatedAt))
    .limit(MAX_MATCHES);
  return {
    contacts: matchedLeads.map((l) => ({
      id: l.id,
      entityType: "Leads" as const,
      firstName: l.firstName,
      lastName: l.lastName,
      company: l.company ?? "",
      email: l.email ?? "",
      phoneBusiness: l.phone ?? "",
      phoneMobile: "",
      contactUrl: `${appOrigin}/leads/${l.id}`,
    })),
  };
}
