import Stripe from "stripe";
import { expect, inject } from "vitest";
import { and, eq } from "drizzle-orm";
import * as schema from "../../../schema";
import { stripeCryptoProvider } from "../../../worker/financial/stripe/stripe-client";
import { api, unique, type Account } from "../../helpers";
import { testDb } from "../../record-helpers";
import { fakePaySession, uniqueStripeKey, type StripeFakePayment } from "../../fakes/stripe-fixtures";
import { draft, finalize } from "./invoices-fixture";

/** Stripe for the workerd tests: a connection pointed at the fake, events signed by the real SDK, and open invoices to pay. */

export const stripeRoot = () => inject("stripeFakeUrl");

export interface Connected {
  id: string;
  webhookUrl: string;
  secretKey: string;
  webhookSecret: string;
}

export async function connectStripe(owner: Account, secretKey = uniqueStripeKey()): Promise<Connected> {
  const webhookSecret = `whsec_${unique("s")}`;
  const res = await api("/api/financial/stripe/connections", { token: owner.token, body: { secretKey, webhookSecret, apiBaseUrl: stripeRoot() } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.data.id, webhookUrl: res.body.data.webhookUrl, secretKey, webhookSecret };
}

/** A finalized invoice of one line, `amount` minor units without tax. */
export async function openInvoice(owner: Account, amount = 10_000, currency = "USD", fields: Record<string, unknown> = {}) {
  const d = await draft(owner, { currency, lines: [{ description: "Consulting", quantity: 1, unitPrice: amount }], ...fields });
  return finalize(owner, d.id);
}

let events = 0;
export const eventId = () => `evt_${unique("e")}${(events++).toString(36)}`;

export function stripeEvent(type: string, object: Record<string, unknown>, id = eventId(), created = Math.floor(Date.now() / 1000)) {
  return { id, object: "event", api_version: "2025-01-27.acacia", created, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type, data: { object } };
}

/** Delivers an event as Stripe does: the raw JSON body and a Stripe-Signature made by the SDK with `secret`. */
export async function deliver(connectionId: string, secret: string | null, event: unknown, opts: { signature?: string; ip?: string } = {}) {
  const payload = JSON.stringify(event);
  const signature = opts.signature ?? (secret ? await Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, cryptoProvider: stripeCryptoProvider }) : undefined);
  return api(`/api/financial/stripe/${connectionId}/webhook`, {
    method: "POST",
    rawBody: payload,
    headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}), "cf-connecting-ip": opts.ip ?? `198.51.100.${events % 250}` },
  });
}

/** The customer pays the invoice's pay link on the fake: the Checkout Session, its payment intent and charge. */
export async function payInvoiceOnFake(owner: Account, connection: Connected, invoiceId: string): Promise<Required<StripeFakePayment>> {
  const link = await api(`/api/financial/invoices/${invoiceId}/checkout`, { method: "POST", token: owner.token });
  expect(link.status, JSON.stringify(link.body)).toBe(200);
  return fakePaySession(stripeRoot(), connection.secretKey, link.body.data.sessionId);
}

export const sessionCompleted = (paid: Required<StripeFakePayment>, id?: string) => stripeEvent("checkout.session.completed", paid.session, id);
export const intentSucceeded = (paid: StripeFakePayment, id?: string) => stripeEvent("payment_intent.succeeded", paid.paymentIntent, id);
export const chargeSucceeded = (paid: StripeFakePayment, id?: string) => stripeEvent("charge.succeeded", paid.charge, id);

export async function paymentsOf(orgId: string, invoiceId?: string) {
  return testDb().select().from(schema.payments).where(and(eq(schema.payments.orgId, orgId), invoiceId ? eq(schema.payments.invoiceId, invoiceId) : undefined));
}

/** Row counts of everything a webhook may write, to prove a refused one wrote nothing. */
export async function moneyRowCounts(orgId: string) {
  const db = testDb();
  const [p, r, e, rev, inv] = await Promise.all([
    db.$count(schema.payments, eq(schema.payments.orgId, orgId)),
    db.$count(schema.paymentRefunds, eq(schema.paymentRefunds.orgId, orgId)),
    db.$count(schema.stripeEvents, eq(schema.stripeEvents.orgId, orgId)),
    db.$count(schema.revenueEntries, eq(schema.revenueEntries.orgId, orgId)),
    db.select({ s: schema.invoices.status, paid: schema.invoices.amountPaid }).from(schema.invoices).where(eq(schema.invoices.orgId, orgId)),
  ]);
  return { payments: p, refunds: r, events: e, revenue: rev, invoices: JSON.stringify(inv) };
}
