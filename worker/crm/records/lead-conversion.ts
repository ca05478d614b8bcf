import { and, eq, isNull, sql } from "drizzle-orm";
import { activities, companies, contacts, leads } from "../../../schema";
import type { AuthContext, Env } from "../../platform/env";
import { orgDb, type Db } from "../../platform/db";
import { conflict, invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { auditStatement } from "../../platform/audit-writer";
import { createDeal } from "../deals/deals";
import { getLead, type Lead } from "./lead-record-type";
import { actorOf, publicRecord } from "../../platform/records";
import { publishDomainEvents, type DomainEventInput } from "../../platform/domain-events";

type PublicLead = Omit<Lead, "orgId">;

export interface ConvertInput {
  /** Link to this company instead of creating one from the lead's company name. */
  companyId?: string | null;
  /** Merge into this contact instead of creating one (a contact with the lead's email is reused anyway). */
  contactId?: string;
  /** The deal to open; `null` converts without a deal. */
  deal?: {
    title?: string;
    amount?: number;
    currency?: string;
    pipelineId?: string;
    stageId?: string;
    closeDate?: string | null;
  } | null;
}

async function inOrg(db: Db, table: typeof contacts | typeof companies, orgId: string, id: string) {
  return db.select({ id: table.id }).from(table).where(and(eq(table.orgId, orgId), eq(table.id, id))).get();
}

/** Finds or plans the company: the given one, one with the lead's company name, or a new one. */
async function planCompany(db: Db, orgId: string, lead: PublicLead, input: ConvertInput, now: number, userId: string) {
  if (input.companyId === null) return { id: null, row: null };
  if (input.companyId) {
    if (!(await inOrg(db, companies, orgId, input.companyId))) throw invalid({ companyId: ["No such company in this organization"] });
    return { id: input.companyId, row: null };
  }
  if (!lead.companyName) return { id: null, row: null };
  const same = await db
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.orgId, orgId), sql`lower(${companies.name}) = ${lead.companyName.toLowerCase()}`))
    .get();
  if (same) return { id: same.id, row: null };
  const row: typeof companies.$inferInsert = {
    id: newId(), orgId, name: lead.companyName, ownerId: lead.ownerId ?? userId, tags: lead.tags,
    createdBy: userId, updatedBy: userId, createdAt: now, updatedAt: now,
  };
  return { id: row.id, row };
}

async function planContact(db: Db, orgId: string, lead: PublicLead, input: ConvertInput, companyId: string | null, now: number, userId: string) {
  if (input.contactId) {
    if (!(await inOrg(db, contacts, orgId, input.contactId))) throw invalid({ contactId: ["No such contact in this organization"] });
    return { id: input.contactId, row: null };
  }
  if (lead.email) {
    const same = await db
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.orgId, orgId), eq(contacts.email, lead.email)))
      .get();
    if (same) return { id: same.id, row: null };
  }
  const row: typeof contacts.$inferInsert = {
    id: newId(), orgId, firstName: lead.firstName, lastName: lead.lastName, email: lead.email, phone: lead.phone,
    title: lead.title, companyId, source: lead.source, ownerId: lead.ownerId ?? userId, tags: lead.tags,
    createdBy: userId, updatedBy: userId, createdAt: now, updatedAt: now,
  };
  return { id: row.id, row };
}

/**
 * Turns a lead into a contact (and company) plus an open deal. The lead stays,
 * marked converted and pointing at what it became, and its activities are
 * linked to the new records, so its history follows it.
 */
export async function convertLead(env: Env, auth: AuthContext, leadId: string, input: ConvertInput, requestId?: string) {
  const db = orgDb(env, auth.orgId);
  const lead = await getLead(db, auth.orgId, actorOf(auth, requestId), leadId);
  if (lead.status === "converted") throw conflict("This lead is already converted");
  const now = Date.now();
  const company = await planCompany(db, auth.orgId, lead, input, now, auth.userId);
  const contact = await planContact(db, auth.orgId, lead, input, company.id, now, auth.userId);

  // The claim on the lead is conditional, so two conversions racing cannot both proceed.
  const [claimed] = await db.batch([
    db
      .update(leads)
      .set({ status: "converted", convertedAt: now, convertedContactId: contact.id, convertedCompanyId: company.id, updatedAt: now, updatedBy: auth.userId })
      .where(and(eq(leads.orgId, auth.orgId), eq(leads.id, lead.id), sql`${leads.status} <> 'converted'`))
      .returning({ id: leads.id }),
    ...(company.row ? [db.insert(companies).values(company.row)] : []),
    ...(contact.row ? [db.insert(contacts).values(contact.row)] : []),
    db
      .update(activities)
      .set({ contactId: contact.id, companyId: company.id })
      .where(and(eq(activities.orgId, auth.orgId), eq(activities.leadId, lead.id), isNull(activities.contactId))),
    auditStatement(db, auth.orgId, {
      actorId: auth.userId, action: "convert", entity: "lead", entityId: lead.id,
      changes: { contactId: contact.id, companyId: company.id }, requestId,
    }),
  ]);
  if (claimed.length === 0) throw conflict("This lead is already converted");

  if (input.deal === null) {
    await publishConversion(env, auth, lead, company.row, contact.row);
    return { lead: { ...lead, status: "converted" as const }, contactId: contact.id, companyId: company.id, deal: null };
  }
  try {
    const deal = await createDeal(
      env,
      auth,
      {
        title: input.deal?.title ?? `${lead.companyName ?? `${lead.firstName} ${lead.lastName}`.trim()} deal`,
        amount: input.deal?.amount,
        currency: input.deal?.currency,
        pipelineId: input.deal?.pipelineId,
        stageId: input.deal?.stageId,
        closeDate: input.deal?.closeDate,
        contactId: contact.id,
        companyId: company.id,
        leadId: lead.id,
        ownerId: lead.ownerId ?? auth.userId,
        tags: lead.tags,
      },
      requestId,
    );
    await db.batch([
      db.update(leads).set({ convertedDealId: deal.id }).where(eq(leads.id, lead.id)),
      db.update(activities).set({ dealId: deal.id }).where(and(eq(activities.orgId, auth.orgId), eq(activities.leadId, lead.id), isNull(activities.dealId))),
    ]);
    await publishConversion(env, auth, lead, company.row, contact.row);
    return { lead: { ...lead, status: "converted" as const, convertedDealId: deal.id }, contactId: contact.id, companyId: company.id, deal };
  } catch (err) {
    // The deal was refused: undo the conversion so nothing is half done.
    await db.batch([
      db.update(leads).set({ status: lead.status, convertedAt: null, convertedContactId: null, convertedCompanyId: null }).where(eq(leads.id, lead.id)),
      db.update(activities).set({ contactId: null, companyId: null }).where(and(eq(activities.leadId, lead.id), eq(activities.contactId, contact.id))),
      ...(contact.row ? [db.delete(contacts).where(eq(contacts.id, contact.id))] : []),
      ...(company.row && company.id ? [db.delete(companies).where(eq(companies.id, company.id))] : []),
    ]);
    throw err;
  }
}

/**
 * The conversion's events once it stands (a refused deal undoes it, raising
 * none): the lead updated, and the company and contact it created. The deal's
 * own event comes from `createDeal`.
 */
async function publishConversion(
  env: Env,
  auth: AuthContext,
  before: PublicLead,
  companyRow: typeof companies.$inferInsert | null,
  contactRow: typeof contacts.$inferInsert | null,
) {
  const db = orgDb(env, auth.orgId);
  const after = await getLead(db, auth.orgId, actorOf(auth), before.id);
  const inputs: DomainEventInput[] = [
    { orgId: auth.orgId, type: "lead.updated", entity: "lead", entityId: before.id, record: after, previous: before, actor: auth },
  ];
  if (companyRow) {
    const row = await db.select().from(companies).where(and(eq(companies.orgId, auth.orgId), eq(companies.id, companyRow.id!))).get();
    if (row) inputs.push({ orgId: auth.orgId, type: "company.created", entity: "company", entityId: row.id, record: publicRecord(row), actor: auth });
  }
  if (contactRow) {
    const row = await db.select().from(contacts).where(and(eq(contacts.orgId, auth.orgId), eq(contacts.id, contactRow.id!))).get();
    if (row) inputs.push({ orgId: auth.orgId, type: "contact.created", entity: "contact", entityId: row.id, record: publicRecord(row), actor: auth });
  }
  await publishDomainEvents(env, inputs);
}
