import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as schema from "../../../schema";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { restrictToOwnRecords, testDb } from "../../record-helpers";
import { fakeStripeRequests } from "../../fakes/stripe-fixtures";
import { invoiceRow } from "./invoices-fixture";
import { connectStripe, deliver, moneyRowCounts, openInvoice, payInvoiceOnFake, paymentsOf, sessionCompleted, stripeEvent, stripeRoot } from "./stripe-fixture";
import { dealFor } from "./invoices-fixture";

const manual = (invoiceId: string, amount: number, fields: Record<string, unknown> = {}) => ({ invoiceId, amount, currency: "USD", method: "bank_transfer", receivedAt: Date.now(), reference: "SEPA 123", ...fields });

describe("payments", () => {
  it("records bank transfers: partially paid, then paid when covered; more than is due and another currency are refused and write nothing", async () => {
    const owner = await registerAccount();
    const invoice = await openInvoice(owner, 10_000);
    const first = await api("/api/financial/payments", { token: owner.token, body: manual(invoice.id, 4_000) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "open", amountPaid: 4_000, amountDue: invoice.total - 4_000 });
    const before = await moneyRowCounts(owner.orgId);
    expectError(await api("/api/financial/payments", { token: owner.token, body: manual(invoice.id, invoice.total) }), 400, "validation_error");
    expectError(await api("/api/financial/payments", { token: owner.token, body: manual(invoice.id, 100, { currency: "EUR" }) }), 400, "validation_error");
    expectError(await api("/api/financial/payments", { token: owner.token, body: manual(invoice.id, 100, { receivedAt: Date.now() + 2 * 86_400_000 }) }), 400, "validation_error");
    expect(await moneyRowCounts(owner.orgId)).toEqual(before);
    // The transfer that covers it landed two months ago (mid-month, so no time zone moves it): the invoice was paid then, and so was its revenue.
    const landed = new Date();
    landed.setUTCDate(15);
    landed.setUTCMonth(landed.getUTCMonth() - 2);
    landed.setUTCHours(12, 0, 0, 0);
    await api("/api/financial/payments", { token: owner.token, body: manual(invoice.id, invoice.total - 4_000, { receivedAt: landed.getTime() }) });
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "paid", amountDue: 0, paidAt: landed.getTime() });
    const revenue = await testDb().select().from(schema.revenueEntries).where(and(eq(schema.revenueEntries.orgId, owner.orgId), eq(schema.revenueEntries.invoiceId, invoice.id)));
    expect(revenue.length).toBeGreaterThan(0);
    expect(new Set(revenue.map((r) => r.period))).toEqual(new Set([landed.toISOString().slice(0, 7)]));
    const list = await api(`/api/financial/payments?invoiceId=${invoice.id}`, { token: owner.token });
    expect(list.body.meta.total).toBe(2);
  });

  it("tells the deal's owner, files one payment activity on the deal, contact and company, when the invoice becomes paid", async () => {
    const owner = await registerAccount();
    const deal = await dealFor(owner, { ownerId: owner.userId });
    const contact = (await api("/api/contacts", { token: owner.token, body: { firstName: "Ada", lastName: "Payer" } })).body.data;
    const invoice = await openInvoice(owner, 3_000, "USD", { dealId: deal.id, contactId: contact.id });
    await api("/api/financial/payments", { token: owner.token, body: manual(invoice.id, invoice.total) });
    const activities = await testDb().select().from(schema.activities).where(and(eq(schema.activities.orgId, owner.orgId), eq(schema.activities.type, "payment")));
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({ dealId: deal.id, contactId: contact.id, companyId: invoice.companyId });
    const notes = await testDb().select().from(schema.notifications).where(and(eq(schema.notifications.orgId, owner.orgId), eq(schema.notifications.userId, owner.userId)));
    expect(notes.map((n) => n.type)).toContain("invoice_paid");
  });

  it("refunds a Stripe payment through Stripe, and the charge.refunded webhook that follows counts nothing twice", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const invoice = await openInvoice(owner, 8_000);
    const paid = await payInvoiceOnFake(owner, connection, invoice.id);
    await deliver(connection.id, connection.webhookSecret, sessionCompleted(paid));
    const [payment] = await paymentsOf(owner.orgId, invoice.id);
    const partial = await api(`/api/financial/payments/${payment!.id}/refunds`, { token: owner.token, body: { amount: 3_000, reason: "goodwill" } });
    expect(partial.status, JSON.stringify(partial.body)).toBe(201);
    expect(partial.body.data).toMatchObject({ status: "partially_refunded", amountRefunded: 3_000 });
    const refundCall = (await fakeStripeRequests(stripeRoot(), connection.secretKey)).find((r) => r.path === "/v1/refunds");
    expect(refundCall!.params).toMatchObject({ payment_intent: paid.paymentIntent.id, amount: "3000" });
    const stripeRefundId = partial.body.data.refunds[0].stripeRefundId;
    const charge = { ...paid.charge, amount_refunded: 3_000, refunded: false, refunds: { object: "list", has_more: false, data: [{ id: stripeRefundId, amount: 3_000, status: "succeeded", created: Math.floor(Date.now() / 1000) }] } };
    for (let i = 0; i < 3; i++) await deliver(connection.id, connection.webhookSecret, stripeEvent("charge.refunded", charge));
    expect(await testDb().$count(schema.paymentRefunds, eq(schema.paymentRefunds.paymentId, payment!.id))).toBe(1);
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "paid", amountRefunded: 3_000 });
    expectError(await api(`/api/financial/payments/${payment!.id}/refunds`, { token: owner.token, body: { amount: 6_000 } }), 400, "validation_error");
  });

  it("creates the payment from a refund that arrives before the success, then refunds it fully; the success afterwards changes nothing", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const invoice = await openInvoice(owner, 6_000);
    const paid = await payInvoiceOnFake(owner, connection, invoice.id);
    const refunded = { ...paid.charge, amount_refunded: 6_000, refunded: true, refunds: { object: "list", has_more: false, data: [{ id: "re_full_1", amount: 6_000, status: "succeeded", created: 1 }] } };
    await deliver(connection.id, connection.webhookSecret, stripeEvent("charge.refunded", refunded));
    await deliver(connection.id, connection.webhookSecret, sessionCompleted(paid));
    const rows = await paymentsOf(owner.orgId, invoice.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "refunded", amountRefunded: 6_000 });
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "paid", amountPaid: 6_000, amountRefunded: 6_000 });
  });

  it("marks a disputed payment and tells the owner", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const invoice = await openInvoice(owner, 9_000);
    const paid = await payInvoiceOnFake(owner, connection, invoice.id);
    const dispute = stripeEvent("charge.dispute.created", { id: "dp_1", object: "dispute", amount: 9_000, currency: "usd", charge: paid.charge.id, payment_intent: paid.paymentIntent.id, reason: "fraudulent", status: "needs_response" });
    await deliver(connection.id, connection.webhookSecret, dispute);
    await deliver(connection.id, connection.webhookSecret, sessionCompleted(paid));
    const [row] = await paymentsOf(owner.orgId, invoice.id);
    expect(row).toMatchObject({ status: "disputed" });
    expect(row!.disputedAt).toBeGreaterThan(0);
    const notes = await testDb().select().from(schema.notifications).where(eq(schema.notifications.orgId, owner.orgId));
    expect(notes.map((n) => n.type)).toContain("payment_disputed");
  });

  it("assigns a parked payment to its invoice, which then counts it", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const invoice = await openInvoice(owner, 2_000);
    const { fakeCharge } = await import("../../fakes/stripe-fixtures");
    const stray = await fakeCharge(stripeRoot(), connection.secretKey, invoice.total, "usd", {});
    await deliver(connection.id, connection.webhookSecret, stripeEvent("payment_intent.succeeded", stray.paymentIntent));
    const parked = await api("/api/financial/payments?needsReview=true", { token: owner.token });
    expect(parked.body.data).toHaveLength(1);
    const assigned = await api(`/api/financial/payments/${parked.body.data[0].id}/assign`, { token: owner.token, body: { invoiceId: invoice.id } });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.data).toMatchObject({ invoiceId: invoice.id, needsReview: false });
    expect(await invoiceRow(invoice.id)).toMatchObject({ status: "paid" });
  });

  it("lets a viewer read but not record, refund or assign (nothing written); another organization's payment is 404; a restricted agent sees only their own", async () => {
    const owner = await registerAccount();
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const other = await registerAccount();
    const invoice = await openInvoice(owner, 5_000);
    const payment = (await api("/api/financial/payments", { token: owner.token, body: manual(invoice.id, 1_000) })).body.data;
    const before = await moneyRowCounts(owner.orgId);
    expectError(await api("/api/financial/payments", { token: viewer.token, body: manual(invoice.id, 1_000) }), 403, "forbidden");
    expectError(await api(`/api/financial/payments/${payment.id}/refunds`, { token: viewer.token, body: { amount: 100 } }), 403, "forbidden");
    expectError(await api(`/api/financial/payments/${payment.id}/assign`, { token: viewer.token, body: { invoiceId: invoice.id } }), 403, "forbidden");
    expect(await moneyRowCounts(owner.orgId)).toEqual(before);
    expect((await api("/api/financial/payments", { token: viewer.token })).body.meta.total).toBe(1);
    expectError(await api(`/api/financial/payments/${payment.id}`, { token: other.token }), 404, "not_found");
    expectError(await api(`/api/financial/payments/${payment.id}/refunds`, { token: other.token, body: { amount: 100 } }), 404, "not_found");
    await restrictToOwnRecords(owner);
    expect((await api("/api/financial/payments", { token: agent.token })).body.meta.total).toBe(0);
    expectError(await api(`/api/financial/payments/${payment.id}`, { token: agent.token }), 404, "not_found");
    expectError(await api("/api/financial/payments"), 401, "unauthorized");
  });
});
