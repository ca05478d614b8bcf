import { eq } from "drizzle-orm";
import { ownRecordsOnly } from "../../platform/access";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import { publishEvent } from "../../platform/room-rpc";
import { memberships, organizations, type Invoice } from "../../../schema";
import type { InvoiceChange, InvoiceSummary } from "../../../schema/room-events";
import { publishInvoiceDomainEvents, type InvoiceEventFacts } from "./invoice-domain-events";

/** What `invoice_updated` and `payment_received` carry of a document. */
export function invoiceSummary(row: Invoice): InvoiceSummary {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    number: row.number,
    currency: row.currency,
    total: row.total,
    amountPaid: row.amountPaid,
    amountDue: row.amountDue,
    dealId: row.dealId,
    companyId: row.companyId,
    contactId: row.contactId,
    ownerId: row.ownerId,
    dueDate: row.dueDate,
    paidAt: row.paidAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * The members who may see a document: everyone, unless the organization
 * restricts agents to their own records, then agents only see theirs.
 * Callers without a request (webhooks) have no auth, so the rule is read here.
 */
export async function invoiceAudience(db: Db, orgId: string, ownerId: string | null): Promise<string[] | undefined> {
  const org = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)).get();
  const visibility = org?.settings.recordVisibility ?? "all";
  if (visibility !== "own") return undefined;
  const members = await db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.orgId, orgId));
  return members.filter((m) => !ownRecordsOnly({ role: m.role, recordVisibility: "own" }) || m.userId === ownerId).map((m) => m.userId);
}

/**
 * Raises the change's domain events (invoice-domain-events.ts), then
 * publishes `invoice_updated {invoice, change, by}` to the members who may
 * see the document (all of them when the organization does not restrict).
 * Best effort: the change is committed already.
 */
export async function publishInvoiceChanged(
  env: Pick<Env, "ORG_ROOM" | "JOBS">,
  db: Db,
  row: Invoice,
  change: InvoiceChange,
  by: string | null,
  facts: InvoiceEventFacts = {},
) {
  try {
    await publishInvoiceDomainEvents(env, db, row, change, by, facts);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "invoice domain event not published", orgId: row.orgId, err: String(err) }));
  }
  try {
    const audience = await invoiceAudience(db, row.orgId, row.ownerId);
    if (audience && audience.length === 0) return;
    await publishEvent(env, row.orgId, "invoice_updated", { invoice: invoiceSummary(row), change, by }, audience);
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "invoice event not published", orgId: row.orgId, err: String(err) }));
  }
}
