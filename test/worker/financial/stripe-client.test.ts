import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import Stripe from "stripe";
import { stripeClient, stripeCryptoProvider, stripeFailure } from "../../../worker/financial/stripe/stripe-client";
import { fakeCharge, fakeSeedBalanceTransactions, fakeStripeRequests, uniqueStripeKey } from "../../fakes/stripe-fixtures";

const root = inject("stripeFakeUrl");
const sdk = (key: string, apiBaseUrl: string = root) => stripeClient(env, key, { apiBaseUrl });

describe("the Stripe SDK in workerd, through the outbound guard, against the fake Stripe API", () => {
  it("retrieves the account with the secret key as a bearer token", async () => {
    const key = uniqueStripeKey("acct");
    const account = await sdk(key).accounts.retrieveCurrent();
    expect(account.id).toMatch(/^acct_/);
    const [request] = await fakeStripeRequests(root, key);
    expect(request).toMatchObject({ method: "GET", path: "/v1/account", authorization: `Bearer ${key}` });
  });

  it("creates a Checkout Session whose nested metadata and line items arrive in bracket notation", async () => {
    const key = uniqueStripeKey("cs");
    const session = await sdk(key).checkout.sessions.create({
      mode: "payment",
      line_items: [{ quantity: 1, price_data: { currency: "eur", unit_amount: 12345, product_data: { name: "Invoice INV-1" } } }],
      metadata: { neuracrm_invoice_id: "inv1", neuracrm_org_id: "org1" },
      payment_intent_data: { metadata: { neuracrm_invoice_id: "inv1", neuracrm_org_id: "org1" } },
      success_url: "https://crm.example/documents/t?paid=1",
      cancel_url: "https://crm.example/documents/t",
    });
    expect(session).toMatchObject({ object: "checkout.session", amount_total: 12345, currency: "eur", payment_status: "unpaid", metadata: { neuracrm_invoice_id: "inv1" } });
    expect(session.url).toContain(session.id);
    const [request] = await fakeStripeRequests(root, key);
    expect(request!.idempotencyKey).toBeTruthy();
    expect(request!.params.payment_intent_data.metadata).toEqual({ neuracrm_invoice_id: "inv1", neuracrm_org_id: "org1" });
    expect((await sdk(key).checkout.sessions.retrieve(session.id)).id).toBe(session.id);
  });

  it("pages balance transactions with created[gte] and starting_after until has_more is false", async () => {
    const key = uniqueStripeKey("bt");
    const base = Math.floor(Date.now() / 1000) - 1000;
    await fakeSeedBalanceTransactions(
      root,
      key,
      Array.from({ length: 7 }, (_, i) => ({ id: `txn_${i}`, amount: 1000 + i, fee: 59, net: 941 + i, currency: "usd", type: "charge", source: `ch_${i}`, created: base + i * 100 })),
    );
    const seen: string[] = [];
    for await (const txn of sdk(key).balanceTransactions.list({ created: { gte: base + 200 }, limit: 2 })) seen.push(txn.id);
    expect(seen).toEqual(["txn_6", "txn_5", "txn_4", "txn_3", "txn_2"]);
    const pages = (await fakeStripeRequests(root, key)).filter((r) => r.path === "/v1/balance_transactions");
    expect(pages.length).toBe(3);
    expect(pages[0]!.params.created).toEqual({ gte: String(base + 200) });
    expect(pages[1]!.params.starting_after).toBe("txn_5");
  });

  it("refunds part of a payment intent, refuses more than is left, and reads charges with their balance transaction", async () => {
    const key = uniqueStripeKey("re");
    const paid = await fakeCharge(root, key, 5000, "usd");
    const refund = await sdk(key).refunds.create({ payment_intent: paid.paymentIntent.id, amount: 2000 });
    expect(refund).toMatchObject({ object: "refund", amount: 2000, charge: paid.charge.id, status: "succeeded" });
    const error = await sdk(key).refunds.create({ payment_intent: paid.paymentIntent.id, amount: 4000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(stripeFailure(error)).toMatchObject({ code: "provider_error", details: { stripeCode: "amount_too_large" } });
    const charge = await sdk(key).charges.retrieve(paid.charge.id, { expand: ["balance_transaction"] });
    expect(charge.amount_refunded).toBe(2000);
    expect(charge.balance_transaction).toMatchObject({ fee: 175, net: 4825 });
    expect((await sdk(key).paymentIntents.retrieve(paid.paymentIntent.id)).latest_charge).toBe(paid.charge.id);
  });

  it("answers a revoked key with Stripe's authentication error", async () => {
    const error = await sdk("sk_test_revoked_key").accounts.retrieveCurrent().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect(stripeFailure(error).code).toBe("provider_error");
  });

  it("refuses to send the key to a private address before any request leaves", () => {
    expect(() => sdk(uniqueStripeKey(), "http://10.0.0.7:12111")).toThrowError(expect.objectContaining({ code: "outbound_blocked" }));
    expect(() => sdk(uniqueStripeKey(), "http://169.254.169.254")).toThrowError(expect.objectContaining({ code: "outbound_blocked" }));
  });

  it("signs and verifies webhook payloads with SubtleCrypto, and rejects a tampered body", async () => {
    const payload = JSON.stringify({ id: "evt_1", object: "event", type: "checkout.session.completed", data: { object: { id: "cs_1" } } });
    const secret = "whsec_test_secret";
    const header = await Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, cryptoProvider: stripeCryptoProvider });
    const event = await Stripe.webhooks.constructEventAsync(payload, header, secret, undefined, stripeCryptoProvider);
    expect(event.id).toBe("evt_1");
    await expect(Stripe.webhooks.constructEventAsync(payload.replace("cs_1", "cs_2"), header, secret, undefined, stripeCryptoProvider)).rejects.toThrow();
  });
});
