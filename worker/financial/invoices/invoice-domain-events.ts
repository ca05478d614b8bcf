import type { EventOrigin, Invoice } from "../../../schema";
import type { InvoiceChange } from "../../../schema/room-events";
import type { Db } from "../../platform/db";
import { publishDomainEvents, type DomainEventInput } from "../../platform/domain-events";
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
 * when it became paid.
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
  const inputs: DomainEventInput[] = [{ ...base, type, context: type === "invoice.updated" ? { change } : null }];
  if (change === "paid") {
    const paid = facts.payment ?? { id: null, amount: row.amountPaid, currency: row.currency };
    inputs.push({ ...base, type: "invoice.paid", context: { paymentId: paid.id, amount: paid.amount, currency: paid.currency } });
  }
  await publishDomainEvents(env, inputs);
}
