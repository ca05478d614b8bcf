import { describe, expect, it } from "vitest";
import { api, expectError, registerAccount } from "../../helpers";
import { fakeCharge } from "../../fakes/stripe-fixtures";
import { invoiceRow } from "./invoices-fixture";
import {
  chargeSucceeded,
  connectStripe,
  deliver,
  eventId,
  intentSucceeded,
  moneyRowCounts,
  openInvoice,
  payInvoiceOnFake,
  paymentsOf,
  sessionCompleted,
  stripeEvent,
  stripeRoot,
} from "./stripe-fixture";

describe("Stripe webhooks", () => {
  it("marks the invoice paid from a signed checkout.session.completed alone, once however often it is delivered", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const invoice = await openInvoice(owner, 12_345);
    const paid = await payInvoiceOnFake(owner, connection, invoice.id);
    const event = sessionCompleted(paid);
    const first = await deliver(connection.id, connection.webhookSecret, event);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data.duplicate).toBe(false);
    for (let i = 0; i < 2; i++) {
      const again = await deliver(connection.id, connection.webhookSecret, event);
      expect(again.status).toBe(200);
      expect(again.body.data.duplicate).toBe(true);
    }
    const rows = await paymentsOf(owner.orgId, invoice.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amount: 12_345, currency: "USD", method: "card", status: "succeeded", stripePaymentIntentId: paid.paymentIntent.id, stripeCheckoutSessionId: paid.session.id, needsReview: false });
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "paid", amountPaid: 12_345, amountDue: 0 });
  });

  it("yields one payment and the paid invoice whatever the order of session, payment intent and charge events, each replayed three times", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const orders = [
      ["session", "intent", "charge"],
      ["charge", "intent", "session"],
      ["intent", "charge", "session"],
    ];
    for (const order of orders) {
      const invoice = await openInvoice(owner, 5_000);
      const paid = await payInvoiceOnFake(owner, connection, invoice.id);
      const events = { session: sessionCompleted(paid), intent: intentSucceeded(paid), charge: chargeSucceeded(paid) } as Record<string, unknown>;
      for (let round = 0; round < 3; round++) {
        for (const name of order) expect((await deliver(connection.id, connection.webhookSecret, events[name])).status).toBe(200);
      }
      const rows = await paymentsOf(owner.orgId, invoice.id);
      expect(rows, order.join(",")).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: "succeeded", amount: 5_000, stripeChargeId: paid.charge.id, stripeCheckoutSessionId: paid.session.id });
      expect(rows[0]!.fee).toBe(paid.balanceTransaction.fee);
      expect(await invoiceRow(invoice.id)).toMatchObject({ status: "paid", amountPaid: 5_000, amountDue: 0 });
    }
  });

  it("records a failed attempt without paying anything, and a later success wins over it in either order", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const invoice = await openInvoice(owner, 7_000);
    const paid = await payInvoiceOnFake(owner, connection, invoice.id);
    const failed = stripeEvent("payment_intent.payment_failed", { ...paid.paymentIntent, status: "requires_payment_method", amount_received: 0, last_payment_error: { message: "Your card was declined." } });
    await deliver(connection.id, connection.webhookSecret, failed);
    expect((await paymentsOf(owner.orgId, invoice.id))[0]).toMatchObject({ status: "failed", reference: "Your card was declined." });
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "open", amountPaid: 0 });
    await deliver(connection.id, connection.webhookSecret, intentSucceeded(paid));
    const late = stripeEvent("payment_intent.payment_failed", { ...paid.paymentIntent, status: "requires_payment_method", last_payment_error: { message: "late" } });
    await deliver(connection.id, connection.webhookSecret, late);
    const rows = await paymentsOf(owner.orgId, invoice.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe("succeeded");
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "paid", amountPaid: 7_000 });
  });

  it("parks a payment that names no invoice of this organization, and one of another organization's invoice", async () => {
    const owner = await registerAccount();
    const other = await registerAccount();
    const connection = await connectStripe(owner);
    const foreign = await openInvoice(other, 3_000);
    const stray = await fakeCharge(stripeRoot(), connection.secretKey, 3_000, "usd", {});
    const spoof = await fakeCharge(stripeRoot(), connection.secretKey, 3_000, "usd", { neuracrm_invoice_id: foreign.id, neuracrm_org_id: other.orgId });
    await deliver(connection.id, connection.webhookSecret, intentSucceeded(stray));
    await deliver(connection.id, connection.webhookSecret, intentSucceeded(spoof));
    const parked = await paymentsOf(owner.orgId);
    expect(parked).toHaveLength(2);
    expect(parked.every((p) => p.invoiceId === null && p.needsReview)).toBe(true);
    expect(await invoiceRow(foreign.id)).toMatchObject({ status: "open", amountPaid: 0 });
    expect(await paymentsOf(other.orgId)).toHaveLength(0);
  });

  it("flags a payment in another currency than its invoice and does not count it", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const invoice = await openInvoice(owner, 4_000);
    const eur = await fakeCharge(stripeRoot(), connection.secretKey, 4_000, "eur", { neuracrm_invoice_id: invoice.id, neuracrm_org_id: owner.orgId });
    await deliver(connection.id, connection.webhookSecret, intentSucceeded(eur));
    const [row] = await paymentsOf(owner.orgId, invoice.id);
    expect(row).toMatchObject({ currency: "EUR", needsReview: true });
    expect(row!.reviewNote).toContain("USD");
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "open", amountPaid: 0, amountDue: 4_000 });
  });

  it("refuses a missing signature, a bad one, another secret, and an unknown or foreign connection with 400, writing nothing", async () => {
    const owner = await registerAccount();
    const other = await registerAccount();
    const connection = await connectStripe(owner);
    const foreign = await connectStripe(other);
    const invoice = await openInvoice(owner, 2_000);
    const paid = await payInvoiceOnFake(owner, connection, invoice.id);
    const event = sessionCompleted(paid);
    const before = await moneyRowCounts(owner.orgId);
    const attempts = [
      await deliver(connection.id, null, event),
      await deliver(connection.id, connection.webhookSecret, event, { signature: "t=1,v1=deadbeef" }),
      await deliver(connection.id, "whsec_someone_else", event),
      await deliver("no-such-connection", connection.webhookSecret, event),
      await deliver(foreign.id, connection.webhookSecret, event),
    ];
    for (const res of attempts) expectError(res, 400, "invalid_signature");
    expect(await moneyRowCounts(owner.orgId)).toEqual(before);
    expect(await moneyRowCounts(other.orgId)).toMatchObject({ payments: 0, events: 0 });
  });

  it("refuses a tampered body signed for another payload", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const invoice = await openInvoice(owner, 2_000);
    const paid = await payInvoiceOnFake(owner, connection, invoice.id);
    const Stripe = (await import("stripe")).default;
    const { stripeCryptoProvider } = await import("../../../worker/financial/stripe/stripe-client");
    const honest = JSON.stringify(sessionCompleted({ ...paid, session: { ...paid.session, amount_total: 1 } }));
    const signature = await Stripe.webhooks.generateTestHeaderStringAsync({ payload: honest, secret: connection.webhookSecret, cryptoProvider: stripeCryptoProvider });
    const before = await moneyRowCounts(owner.orgId);
    expectError(await deliver(connection.id, null, sessionCompleted(paid), { signature }), 400, "invalid_signature");
    expect(await moneyRowCounts(owner.orgId)).toEqual(before);
  });

  it("acknowledges event types it does not use without writing money", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const res = await deliver(connection.id, connection.webhookSecret, stripeEvent("customer.created", { id: "cus_1", object: "customer" }, eventId()));
    expect(res.status).toBe(200);
    expect((await moneyRowCounts(owner.orgId)).payments).toBe(0);
    const conn = await api(`/api/financial/stripe/connections/${connection.id}`, { token: owner.token });
    expect(conn.body.data.lastEventAt).toBeGreaterThan(0);
  });
});
