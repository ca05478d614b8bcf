import { and, eq, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { newId } from "../../platform/ids";
import { isUniqueViolation } from "../../platform/records";
import { invoices, organizations, payments, paymentRefunds, stripeConnections, stripeEvents, type Invoice, type Payment } from "../../../schema";
import { formatMoney } from "../money";
import { COLLECTED, invoiceAmountsStatement, invoicePaidStatement, paymentStatusStatement } from "../payments/payment-ledger";
import { afterPaymentChange, type PaymentChange } from "../payments/payment-effects";
import { revenueRecognitionStatements } from "../revenue/revenue-recognition";
import { eventFact, fromCharge, type EventFact, type MoneyFact, type RefundFact } from "./stripe-event-facts";
import { connectionClient, type StripeConnectionRow } from "./stripe-connections";
import type { StripeEnv } from "./stripe-client";

/**
 * Applies one verified Stripe event in ONE D1 batch that starts by inserting
 * the event's id: a replay fails on that key and the whole batch, its
 * change included, is rolled back. The change itself is order-proof: the
 * payment is upserted on its payment intent (unique per organization), so
 * the checkout session, the payment intent and the charge of the same money
 * meet in one row; a status only moves forward (pending → failed →
 * succeeded), refunds are rows keyed by Stripe's refund id, and every total
 * is recomputed from the rows (payments/payment-ledger.ts).
 *
 * A payment whose metadata names no invoice of this organization is parked
 * (no invoice, needs review); one in another currency than its invoice, or
 * more than is due, is attached but flagged for review; none is dropped.
 */

type ApplyEnv = Pick<Env, "DB" | "ORG_ROOM" | "JOBS" | "ENCRYPTION_KEY"> & StripeEnv;
type Json = Record<string, unknown>;

export interface StripeEventInput {
  id: string;
  type: string;
  created?: number;
  data: { object: unknown };
}

export type ApplyResult = { duplicate: true } | { duplicate: false; outcome: string; paymentId: string | null; invoiceId: string | null };

const ex = (column: string) => sql.raw(`excluded.${column}`);

/** Facts the event leaves out, fetched from Stripe with the connection's key: refund ids, a disputed charge, a charge's fee. */
async function completeFact(env: ApplyEnv, db: Db, connection: StripeConnectionRow, fact: EventFact): Promise<{ fact: EventFact; money: MoneyFact | null }> {
  if (fact.kind === "ignored") return { fact, money: null };
  if (fact.kind === "disputed") {
    const known = await db.select({ id: payments.id }).from(payments).where(and(eq(payments.orgId, connection.orgId), eq(payments.stripeChargeId, fact.chargeId))).get();
    if (known) return { fact, money: null };
    const stripe = await connectionClient(env, connection);
    const charge = (await stripe.charges.retrieve(fact.chargeId, { expand: ["balance_transaction"] })) as unknown as Json;
    return { fact, money: fromCharge(charge, Date.now()) };
  }
  if (fact.kind === "refunded" && fact.refunds === null && fact.money.chargeId) {
    const stripe = await connectionClient(env, connection);
    const refunds: RefundFact[] = [];
    for await (const r of stripe.refunds.list({ charge: fact.money.chargeId, limit: 100 })) {
      if (r.status === "succeeded" || r.status === "pending") refunds.push({ id: r.id, amount: r.amount, reason: r.reason ?? null, refundedAt: r.created * 1000 });
    }
    return { fact: { ...fact, refunds }, money: fact.money };
  }
  if (fact.kind === "succeeded" && fact.money.chargeId && fact.money.fee === null && fact.money.paymentIntentId === null) return { fact, money: fact.money };
  if (fact.kind === "succeeded" && fact.money.balanceTransactionId && fact.money.fee === null && fact.money.chargeId) {
    try {
      const stripe = await connectionClient(env, connection);
      const charge = (await stripe.charges.retrieve(fact.money.chargeId, { expand: ["balance_transaction"] })) as unknown as Json;
      const withFee = fromCharge(charge, fact.money.occurredAt);
      return { fact, money: withFee ? { ...fact.money, fee: withFee.fee, net: withFee.net } : fact.money };
    } catch {
      // The fee is a nicety; reconciliation reads it from the balance transactions later.
      return { fact, money: fact.money };
    }
  }
  return { fact, money: fact.money };
}

interface Match {
  invoice: Invoice | null;
  needsReview: boolean;
  note: string | null;
}

/** The invoice our metadata names, if it is this organization's, and what a human should look at. */
async function matchInvoice(db: Db, orgId: string, money: MoneyFact, existing: Payment | undefined): Promise<Match> {
  const invoiceId = money.metadata.neuracrm_invoice_id;
  const named = money.metadata.neuracrm_org_id === orgId && invoiceId;
  const invoice = named ? ((await db.select().from(invoices).where(and(eq(invoices.orgId, orgId), eq(invoices.id, invoiceId))).get()) ?? null) : null;
  if (!invoice) return { invoice: null, needsReview: true, note: invoiceId ? `No invoice ${invoiceId} in this organization` : "The payment names no NeuraCRM invoice" };
  if (invoice.kind !== "invoice" || !["open", "paid", "uncollectible"].includes(invoice.status)) return { invoice, needsReview: true, note: `The ${invoice.kind} is ${invoice.status}` };
  if (invoice.currency !== money.currency) return { invoice, needsReview: true, note: `Paid in ${money.currency}, invoiced in ${invoice.currency}` };
  const alreadyCounted = existing && (COLLECTED as readonly string[]).includes(existing.status) && existing.invoiceId === invoice.id;
  if (!alreadyCounted && money.amount > invoice.amountDue) {
    return { invoice, needsReview: true, note: `Overpaid: ${formatMoney(money.amount, money.currency)} received, ${formatMoney(invoice.amountDue, invoice.currency)} was due` };
  }
  return { invoice, needsReview: false, note: null };
}

function upsertPayment(db: Db, orgId: string, connectionId: string, money: MoneyFact, status: "succeeded" | "failed", reason: string | null, match: Match, now: number) {
  const target = money.paymentIntentId ? [payments.orgId, payments.stripePaymentIntentId] : [payments.orgId, payments.stripeChargeId];
  const open = sql`${payments.status} IN ('pending', 'failed')`;
  return db
    .insert(payments)
    .values({
      id: newId(),
      orgId,
      invoiceId: match.invoice?.id ?? null,
      contactId: match.invoice?.contactId ?? null,
      companyId: match.invoice?.companyId ?? null,
      amount: money.amount,
      currency: money.currency,
      method: "card",
      status,
      fee: money.fee,
      net: money.net,
      stripeConnectionId: connectionId,
      stripePaymentIntentId: money.paymentIntentId,
      stripeChargeId: money.chargeId,
      stripeCheckoutSessionId: money.checkoutSessionId,
      stripeBalanceTransactionId: money.balanceTransactionId,
      reference: reason,
      needsReview: match.needsReview,
      reviewNote: match.note,
      receivedAt: money.occurredAt,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target,
      set: {
        status: sql`CASE WHEN ${open} AND ${ex("status")} = 'succeeded' THEN 'succeeded' WHEN ${payments.status} = 'pending' THEN ${ex("status")} ELSE ${payments.status} END`,
        reference: sql`CASE WHEN ${open} THEN ${ex("reference")} ELSE ${payments.reference} END`,
        amount: sql`CASE WHEN ${open} THEN ${ex("amount")} ELSE ${payments.amount} END`,
        receivedAt: sql`CASE WHEN ${open} THEN ${ex("received_at")} ELSE ${payments.receivedAt} END`,
        invoiceId: sql`COALESCE(${payments.invoiceId}, ${ex("invoice_id")})`,
        contactId: sql`COALESCE(${payments.contactId}, ${ex("contact_id")})`,
        companyId: sql`COALESCE(${payments.companyId}, ${ex("company_id")})`,
        needsReview: sql`CASE WHEN ${payments.invoiceId} IS NULL AND ${ex("invoice_id")} IS NOT NULL THEN ${ex("needs_review")} ELSE ${payments.needsReview} END`,
        reviewNote: sql`CASE WHEN ${payments.invoiceId} IS NULL AND ${ex("invoice_id")} IS NOT NULL THEN ${ex("review_note")} ELSE ${payments.reviewNote} END`,
        stripeChargeId: sql`COALESCE(${payments.stripeChargeId}, ${ex("stripe_charge_id")})`,
        stripeCheckoutSessionId: sql`COALESCE(${payments.stripeCheckoutSessionId}, ${ex("stripe_checkout_session_id")})`,
        stripeBalanceTransactionId: sql`COALESCE(${payments.stripeBalanceTransactionId}, ${ex("stripe_balance_transaction_id")})`,
        fee: sql`COALESCE(${ex("fee")}, ${payments.fee})`,
        net: sql`COALESCE(${ex("net")}, ${payments.net})`,
        updatedAt: ex("updated_at"),
      },
    });
}

function refundStatement(db: Db, orgId: string, key: SQL, refund: RefundFact, now: number) {
  return db
    .insert(paymentRefunds)
    .select(
      sql`SELECT ${newId()}, ${orgId}, p.id, p.invoice_id, ${refund.amount}, p.currency, ${refund.id}, ${refund.reason}, ${refund.refundedAt}, NULL, ${now}
        FROM ${payments} p WHERE p.org_id = ${orgId} AND ${key}`,
    )
    .onConflictDoNothing({ target: [paymentRefunds.orgId, paymentRefunds.stripeRefundId] });
}

async function orgTimeZone(db: Db, orgId: string): Promise<string> {
  const org = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)).get();
  return org?.settings.timeZone ?? "UTC";
}

async function plan(env: ApplyEnv, db: Db, connection: StripeConnectionRow, event: StripeEventInput, now: number) {
  const orgId = connection.orgId;
  const { fact, money } = await completeFact(env, db, connection, eventFact(event, now));
  const statements: BatchItem<"sqlite">[] = [];
  const record = (outcome: string) =>
    db.insert(stripeEvents).values({ orgId, connectionId: connection.id, eventId: event.id, type: event.type, outcome: outcome.slice(0, 300), createdAt: now });
  const touch = db.update(stripeConnections).set({ lastEventAt: now }).where(eq(stripeConnections.id, connection.id));
  if (fact.kind === "ignored") return { statements: [record(`ignored: ${fact.why}`), touch], effects: null, paidIndex: -1 };
  if (!money && fact.kind !== "disputed") return { statements: [record("ignored: no money in the event"), touch], effects: null, paidIndex: -1 };

  const piId = money?.paymentIntentId ?? (fact.kind === "disputed" ? fact.paymentIntentId : null);
  const chargeId = money?.chargeId ?? (fact.kind === "disputed" ? fact.chargeId : null);
  if (!piId && !chargeId) return { statements: [record("ignored: neither a payment intent nor a charge"), touch], effects: null, paidIndex: -1 };
  const key = piId ? sql`p.stripe_payment_intent_id = ${piId}` : sql`p.stripe_charge_id = ${chargeId}`;
  const keyOf = piId ? eq(payments.stripePaymentIntentId, piId) : eq(payments.stripeChargeId, chargeId!);
  const existing = await db.select().from(payments).where(and(eq(payments.orgId, orgId), keyOf)).get();
  const match = money ? await matchInvoice(db, orgId, money, existing) : { invoice: null, needsReview: false, note: null };

  const change: Omit<PaymentChange, "paymentId" | "becamePaid"> = { orgId, invoiceId: match.invoice?.id ?? existing?.invoiceId ?? null, change: null, received: false, by: null };
  let outcome: string;
  const body: BatchItem<"sqlite">[] = [];
  if (money) {
    const status = fact.kind === "failed" ? "failed" : "succeeded";
    body.push(upsertPayment(db, orgId, connection.id, money, status, fact.kind === "failed" ? fact.reason : null, match, now));
    const wasCollected = existing && (COLLECTED as readonly string[]).includes(existing.status);
    change.received = status === "succeeded" && !wasCollected;
    if (change.received) change.change = "partially_paid";
    outcome = `${status === "failed" ? "failed attempt" : "payment"} ${piId ?? chargeId} for ${formatMoney(money.amount, money.currency)}${match.invoice ? ` on invoice ${match.invoice.id}` : ""}${match.note ? `; review: ${match.note}` : ""}`;
  } else {
    outcome = `charge ${chargeId}`;
  }
  if (fact.kind === "refunded") {
    for (const refund of fact.refunds ?? []) body.push(refundStatement(db, orgId, key, refund, now));
    change.change = "refunded";
    outcome += `; refunds ${(fact.refunds ?? []).map((r) => r.id).join(", ") || "none"}`;
  }
  if (fact.kind === "disputed") {
    body.push(
      db
        .update(payments)
        .set({ disputedAt: sql`COALESCE(${payments.disputedAt}, ${fact.disputedAt})`, reviewNote: `Disputed (${fact.reason}): ${formatMoney(fact.amount, fact.currency)}`, updatedAt: now })
        .where(and(eq(payments.orgId, orgId), keyOf)),
    );
    change.disputed = !existing?.disputedAt;
    change.change = "updated";
    outcome += `; disputed (${fact.reason})`;
  }
  body.push(paymentStatusStatement(db, and(eq(payments.orgId, orgId), keyOf)!));
  let paidIndex = -1;
  const invoiceId = change.invoiceId;
  if (invoiceId) {
    body.push(invoiceAmountsStatement(db, orgId, invoiceId, now));
    paidIndex = body.length + 2;
    body.push(invoicePaidStatement(db, orgId, invoiceId, now));
    const invoice = match.invoice ?? (await db.select().from(invoices).where(and(eq(invoices.orgId, orgId), eq(invoices.id, invoiceId))).get());
    if (invoice && invoice.status !== "paid") body.push(...(await revenueRecognitionStatements(db, orgId, invoiceId, now, await orgTimeZone(db, orgId))));
  }
  return { statements: [record(outcome), touch, ...body], effects: { change, keyOf, outcome }, paidIndex };
}

async function alreadyApplied(db: Db, connectionId: string, eventId: string) {
  return !!(await db.select({ id: stripeEvents.eventId }).from(stripeEvents).where(and(eq(stripeEvents.connectionId, connectionId), eq(stripeEvents.eventId, eventId))).get());
}

export async function applyStripeEvent(env: ApplyEnv, db: Db, connection: StripeConnectionRow, event: StripeEventInput): Promise<ApplyResult> {
  if (await alreadyApplied(db, connection.id, event.id)) return { duplicate: true };
  // A unique clash other than the event's own key is a concurrent event of the same money: planning again sees its row.
  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    const { statements, effects, paidIndex } = await plan(env, db, connection, event, now);
    let results: unknown[];
    try {
      results = await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      if (await alreadyApplied(db, connection.id, event.id)) return { duplicate: true };
      if (attempt >= 2) throw err;
      continue;
    }
    if (!effects) return { duplicate: false, outcome: "ignored", paymentId: null, invoiceId: null };
    const payment = await db.select().from(payments).where(and(eq(payments.orgId, connection.orgId), effects.keyOf)).get();
    const becamePaid = paidIndex >= 0 && Array.isArray(results[paidIndex]) && (results[paidIndex] as unknown[]).length > 0;
    if (payment) await afterPaymentChange(env, db, { ...effects.change, invoiceId: payment.invoiceId, paymentId: payment.id, becamePaid });
    return { duplicate: false, outcome: effects.outcome, paymentId: payment?.id ?? null, invoiceId: payment?.invoiceId ?? null };
  }
}
