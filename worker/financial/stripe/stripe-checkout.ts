import { and, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { conflict } from "../../platform/errors";
import { invoices, type Invoice } from "../../../schema";
import { stripeFailure, type StripeEnv } from "./stripe-client";
import { activeConnection, connectionClient } from "./stripe-connections";

/**
 * The pay link of an invoice: a Stripe Checkout Session (mode payment) for
 * what is still due, in the invoice's currency, whose metadata (on the
 * session and its payment intent) names the invoice and the organization,
 * so the webhook can match the money from the event alone. An unexpired
 * session for the same amount is reused rather than minting another.
 */

/** Stripe's Checkout sessions live 24 h; a session closer than this to its end is not handed out again. */
const REUSE_MARGIN_MS = 30 * 60_000;
const SESSION_LIFETIME_S = 23 * 3600;

export async function payLink(env: Pick<Env, "ENCRYPTION_KEY"> & StripeEnv, db: Db, invoice: Invoice, returnUrl: string): Promise<{ url: string; sessionId: string; expiresAt: number; reused: boolean }> {
  if (invoice.kind !== "invoice" || invoice.status !== "open" || invoice.amountDue <= 0) {
    throw conflict(invoice.kind !== "invoice" ? "Only invoices can be paid online" : invoice.status === "open" ? "Nothing is due on this invoice" : `This invoice is ${invoice.status}: only open invoices can be paid`, { status: invoice.status, amountDue: invoice.amountDue });
  }
  const connection = await activeConnection(db, invoice.orgId);
  const stripe = await connectionClient(env, connection);
  const now = Date.now();
  if (invoice.stripeCheckoutSessionId && invoice.stripeConnectionId === connection.id && (invoice.stripeCheckoutExpiresAt ?? 0) > now + REUSE_MARGIN_MS) {
    try {
      const open = await stripe.checkout.sessions.retrieve(invoice.stripeCheckoutSessionId);
      if (open.status === "open" && open.url && open.amount_total === invoice.amountDue) return { url: open.url, sessionId: open.id, expiresAt: open.expires_at * 1000, reused: true };
    } catch (err) {
      throw stripeFailure(err);
    }
  }
  const metadata = { neuracrm_invoice_id: invoice.id, neuracrm_org_id: invoice.orgId };
  let session;
  try {
    session = await stripe.checkout.sessions.create({
      mode: "payment",
      line_items: [{ quantity: 1, price_data: { currency: invoice.currency.toLowerCase(), unit_amount: invoice.amountDue, product_data: { name: `Invoice ${invoice.number ?? invoice.id}` } } }],
      metadata,
      payment_intent_data: { metadata, description: `Invoice ${invoice.number ?? invoice.id}` },
      client_reference_id: invoice.id,
      success_url: `${returnUrl}${returnUrl.includes("?") ? "&" : "?"}paid=1`,
      cancel_url: returnUrl,
      expires_at: Math.floor(now / 1000) + SESSION_LIFETIME_S,
    });
  } catch (err) {
    throw stripeFailure(err);
  }
  const expiresAt = session.expires_at * 1000;
  await db
    .update(invoices)
    .set({ stripeConnectionId: connection.id, stripeCheckoutSessionId: session.id, stripeCheckoutExpiresAt: expiresAt })
    .where(and(eq(invoices.orgId, invoice.orgId), eq(invoices.id, invoice.id)));
  return { url: session.url!, sessionId: session.id, expiresAt, reused: false };
}
