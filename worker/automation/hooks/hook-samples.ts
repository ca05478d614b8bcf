import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import type { AuthContext } from "../../platform/env";
import { actorOf } from "../../platform/records";
import { companyService, contactService, getDeal, leadService } from "../../crm";
import { publicTicket, requireVisibleTicket } from "../../support";
import { getCall } from "../../telephony";
import { getInvoice } from "../../financial";
import { automationEvents, calls, companies, contacts, deals, invoices, leads, supportTickets, type DomainEvent, type DomainEventType, type EventEntity } from "../../../schema";
import { webhookPayload } from "../webhooks";

/**
 * Zapier's perform-list: recent items of an event in exactly the shape a
 * hook delivers as `data.object`, so a Zap can be built before anything
 * happens live. Without any such event yet, one real record of that kind
 * stands in, read through its own feature as its REST API answers it.
 */

export const SAMPLE_COUNT = 3;

type Sample = Record<string, unknown>;

const entityOf = (type: DomainEventType) => type.split(".")[0] as EventEntity | "segment";

const NEWEST: Record<EventEntity, { table: typeof deals | typeof contacts | typeof companies | typeof leads | typeof supportTickets | typeof calls | typeof invoices }> = {
  deal: { table: deals },
  contact: { table: contacts },
  company: { table: companies },
  lead: { table: leads },
  ticket: { table: supportTickets },
  call: { table: calls },
  invoice: { table: invoices },
};

async function newestRecord(db: Db, auth: AuthContext, entity: EventEntity): Promise<Sample | null> {
  const { table } = NEWEST[entity];
  const row = await db.select({ id: table.id }).from(table).where(eq(table.orgId, auth.orgId)).orderBy(desc(table.createdAt)).limit(1).get();
  if (!row) return null;
  const actor = actorOf(auth);
  switch (entity) {
    case "deal":
      return (await getDeal(db, auth, row.id)) as unknown as Sample;
    case "contact":
      return (await contactService.get(db, auth.orgId, actor, row.id)) as Sample;
    case "company":
      return (await companyService.get(db, auth.orgId, actor, row.id)) as Sample;
    case "lead":
      return (await leadService.get(db, auth.orgId, actor, row.id)) as Sample;
    case "ticket":
      return publicTicket(await requireVisibleTicket(db, auth.orgId, auth, row.id)) as unknown as Sample;
    case "call":
      return (await getCall(db, auth.orgId, actor, row.id)) as unknown as Sample;
    case "invoice":
      return (await getInvoice(db, auth, row.id)) as unknown as Sample;
  }
}

export async function hookSamples(db: Db, auth: AuthContext, type: DomainEventType): Promise<Sample[]> {
  const rows = await db
    .select({ event: automationEvents.event })
    .from(automationEvents)
    .where(and(eq(automationEvents.orgId, auth.orgId), eq(automationEvents.type, type)))
    .orderBy(desc(automationEvents.occurredAt), desc(automationEvents.id))
    .limit(SAMPLE_COUNT);
  if (rows.length) return rows.map((r) => webhookPayload(r.event as DomainEvent).data.object);
  const entity = entityOf(type);
  // Segment events carry the contact, company or lead that entered or left; a contact stands in.
  const example = await newestRecord(db, auth, entity === "segment" ? "contact" : entity);
  return example ? [example] : [];
}
