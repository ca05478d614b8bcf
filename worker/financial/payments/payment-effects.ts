import { and, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { newId } from "../../platform/ids";
import { publishEvent } from "../../platform/room-rpc";
import { activities, deals, invoices, organizations, payments, type Activity, type Invoice, type Payment } from "../../../schema";
import type { InvoiceChange } from "../../../schema/room-events";
import { notify } from "../../notifications";
import { publishActivityChanged } from "../../crm";
import { formatMoney } from "../money";
import { invoiceAudience, invoiceSummary, publishInvoiceChanged } from "../invoices";

/**
 * What follows a payment once its batch has committed, and only when that
 * batch made the change (a replay makes none): room events to the members
 * who may see the invoice, and, when the invoice became paid, a
 * notification to the deal's owner and one `payment` activity on the deal,
 * contact and company timelines. Best effort: the money is recorded already,
 * so a failed push is logged, never undone.
 */

type EffectsEnv = Pick<Env, "DB" | "ORG_ROOM" | "JOBS">;

const publicPayment = ({ orgId: _o, ...rest }: Payment) => rest;

async function rowsOf(db: Db, orgId: string, paymentId: string, invoiceId: string | null) {
  const payment = await db.select().from(payments).where(and(eq(payments.orgId, orgId), eq(payments.id, paymentId))).get();
  const invoice = invoiceId ? await db.select().from(invoices).where(and(eq(invoices.orgId, orgId), eq(invoices.id, invoiceId))).get() : undefined;
  return { payment, invoice };
}

/** The member told about the invoice: the deal's owner, else the invoice's. */
async function ownerToTell(db: Db, invoice: Invoice): Promise<string | null> {
  if (invoice.dealId) {
    const deal = await db.select({ ownerId: deals.ownerId }).from(deals).where(and(eq(deals.orgId, invoice.orgId), eq(deals.id, invoice.dealId))).get();
    if (deal?.ownerId) return deal.ownerId;
  }
  return invoice.ownerId;
}

async function paidActivity(env: EffectsEnv, db: Db, invoice: Invoice, payment: Payment, by: string | null) {
  if (!invoice.dealId && !invoice.contactId && !invoice.companyId) return;
  const now = Date.now();
  const row: Activity = {
    id: newId(),
    orgId: invoice.orgId,
    ownerId: invoice.ownerId,
    tags: [],
    createdBy: by,
    updatedBy: by,
    createdAt: now,
    updatedAt: now,
    type: "payment",
    subject: `Invoice ${invoice.number ?? ""} paid: ${formatMoney(invoice.total, invoice.currency)}`.replace("  ", " "),
    body: `${formatMoney(payment.amount, payment.currency)} received by ${payment.method.replace("_", " ")}${payment.reference ? ` (${payment.reference})` : ""}.`,
    dueAt: null,
    doneAt: payment.receivedAt,
    dealId: invoice.dealId,
    contactId: invoice.contactId,
    leadId: null,
    companyId: invoice.companyId,
  };
  await db.insert(activities).values(row);
  const org = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, invoice.orgId)).get();
  const visibility = org?.settings.recordVisibility ?? "all";
  await publishActivityChanged(env, db, invoice.orgId, { userId: by ?? "system", orgId: invoice.orgId, role: "owner", sessionId: "", recordVisibility: visibility }, "created", row);
}

export interface PaymentChange {
  orgId: string;
  paymentId: string;
  invoiceId: string | null;
  /** This batch turned the invoice paid. */
  becamePaid: boolean;
  /** The invoice change to announce, if any (partially_paid, refunded...). */
  change: InvoiceChange | null;
  /** Money arrived with this batch: `payment_received`. */
  received: boolean;
  /** A dispute was opened with this batch. */
  disputed?: boolean;
  by: string | null;
}

export async function afterPaymentChange(env: EffectsEnv, db: Db, change: PaymentChange) {
  try {
    const { payment, invoice } = await rowsOf(db, change.orgId, change.paymentId, change.invoiceId);
    if (!payment) return;
    const audience = invoice ? await invoiceAudience(db, change.orgId, invoice.ownerId) : undefined;
    if (change.received && (!audience || audience.length)) {
      await publishEvent(env, change.orgId, "payment_received", { payment: publicPayment(payment), invoice: invoice ? invoiceSummary(invoice) : null }, audience);
    }
    if (!invoice) return;
    const announced = change.becamePaid ? "paid" : change.change;
    const settled = { id: payment.id, amount: payment.amount, currency: payment.currency };
    if (announced) await publishInvoiceChanged(env, db, invoice, announced, change.by, { payment: settled });
    const owner = change.becamePaid || change.disputed ? await ownerToTell(db, invoice) : null;
    if (change.becamePaid) {
      await paidActivity(env, db, invoice, payment, change.by);
      if (owner) {
        await notify(env, change.orgId, owner, {
          type: "invoice_paid",
          title: `Invoice ${invoice.number ?? ""} was paid`,
          body: `${formatMoney(payment.amount, payment.currency)} received; ${formatMoney(invoice.total, invoice.currency)} settled in full.`,
          link: `/finance/invoices/${invoice.id}`,
          data: { invoiceId: invoice.id, paymentId: payment.id, dealId: invoice.dealId },
        });
      }
    }
    if (change.disputed && owner) {
      await notify(env, change.orgId, owner, {
        type: "payment_disputed",
        title: `A payment for invoice ${invoice.number ?? ""} is disputed`,
        body: `${formatMoney(payment.amount, payment.currency)}: ${payment.reviewNote ?? "the customer disputed the charge"}. Answer the dispute in Stripe.`,
        link: `/finance/invoices/${invoice.id}`,
        data: { invoiceId: invoice.id, paymentId: payment.id },
      });
    }
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "payment side effects failed", orgId: change.orgId, paymentId: change.paymentId, err: String(err) }));
  }
}
