import { and, desc, eq } from "drizzle-orm";
import { automationEvents, type EventOrigin, type Invoice } from "../../../schema";
import type { InvoiceChange } from "../../../schema/room-events";
import type { Db } from "../../platform/db";
import { domainEvent, sendDomainEvents, type DomainEventInput } from "../../platform/domain-events";
import type { Env } from "../../platform/env";
import { invoiceDetail, orgToday } from "./invoice-reads";

/** What a change's event knows beyond the document: a workflow's origin, the payment that settled it. */
export interface InvoiceEventFacts {
  origin?: EventOrigin;
  payment?: { id: string; amount: number; currency: string };
}

/**
 * A document change as automation sees it, in the REST shape (the detail):
 * `invoice.created` or `invoice.deleted`, `invoice.updated` for every other
 * change (finalized, sent, voided, paid, ...), and `invoice.paid` besides
 * when it became paid. Invoice changes come from many places that do not
 * keep the document as it was, so `previous` is the record this publisher
 * announced last: it logs each event as it sends it (the event log keeps
 * the first insert of an id), and reads the latest one back next time.
 */
export async function publishInvoiceDomainEvents(
  env: Pick<Env, "JOBS">,
  db: Db,
  row: Invoice,
  change: InvoiceChange,
  by: string | null,
  facts: InvoiceEventFacts = {},
) {
  const detail = await invoiceDetail(db, row, await orgToday(db, row.orgId));
  const record = detail as unknown as Record<string, unknown>;
  const actor = by ? { userId: by, origin: facts.origin } : null;
  const base = { orgId: row.orgId, entity: "invoice" as const, entityId: row.id, record, actor };
  const type = change === "created" ? "invoice.created" : change === "deleted" ? "invoice.deleted" : "invoice.updated";
  const previous = type === "invoice.updated" ? await lastAnnounced(db, row) : null;
  const inputs: DomainEventInput[] = [{ ...base, type, previous, context: type === "invoice.updated" ? { change } : null }];
  if (change === "paid") {
    const paid = facts.payment ?? { id: null, amount: row.amountPaid, currency: row.currency };
    inputs.push({ ...base, type: "invoice.paid", context: { paymentId: paid.id, amount: paid.amount, currency: paid.currency } });
  }
  const events = inputs.map((input) => domainEvent(input));
  await db
    .insert(automationEvents)
    .values(events.map((event) => ({ id: event.id, orgId: event.orgId, type: event.type, entity: event.entity, entityId: event.entityId, event, occurredAt: event.occurredAt })))
    .onConflictDoNothing();
  await sendDomainEvents(env, events);
}

async function lastAnnounced(db: Db, row: Invoice): Promise<Record<string, unknown> | null> {
  const [last] = await db
    .select({ event: automationEvents.event })
    .from(automationEvents)
    .where(and(eq(automationEvents.orgId, row.orgId), eq(automationEvents.entity, "invoice"), eq(automationEvents.entityId, row.id)))
    .orderBy(desc(automationEvents.occurredAt), desc(automationEvents.id))
    .limit(1);
  return last?.event.record ?? null;
}
