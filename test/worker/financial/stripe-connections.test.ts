import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import * as schema from "../../../schema";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { testDb } from "../../record-helpers";
import { fakeStripeRequests, uniqueStripeKey } from "../../fakes/stripe-fixtures";
import { connectStripe, openInvoice, stripeRoot } from "./stripe-fixture";

const secretFree = (text: string) => !/sk_(test|live)_|whsec_/.test(text);

describe("Stripe connections", () => {
  it("saves without calling Stripe, answers 201 with the webhook URL, and never shows a secret again (answers and audit)", async () => {
    const owner = await registerAccount();
    const key = uniqueStripeKey("save");
    const res = await api("/api/financial/stripe/connections", { token: owner.token, body: { secretKey: key, webhookSecret: "whsec_abcdefgh123", apiBaseUrl: stripeRoot() } });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ livemode: false, keyLast4: key.slice(-4), webhookUrl: expect.stringMatching(new RegExp(`/api/financial/stripe/${res.body.data.id}/webhook$`)) });
    expect(res.body.data.webhookEvents).toContain("checkout.session.completed");
    expect(await fakeStripeRequests(stripeRoot(), key)).toHaveLength(0);
    const list = await api("/api/financial/stripe/connections", { token: owner.token });
    const one = await api(`/api/financial/stripe/connections/${res.body.data.id}`, { token: owner.token });
    const audit = await testDb().select().from(schema.auditLog).where(eq(schema.auditLog.orgId, owner.orgId));
    const stored = await testDb().select().from(schema.stripeConnections).where(eq(schema.stripeConnections.id, res.body.data.id)).get();
    for (const text of [JSON.stringify(res.body), JSON.stringify(list.body), JSON.stringify(one.body), JSON.stringify(audit), stored!.configCiphertext]) expect(secretFree(text)).toBe(true);
  });

  it("refuses keys of the wrong shape and an API base on a private address", async () => {
    const owner = await registerAccount();
    const bad = [
      { secretKey: "pk_test_123456789", webhookSecret: "whsec_abcdefgh" },
      { secretKey: uniqueStripeKey(), webhookSecret: "secret" },
      { secretKey: uniqueStripeKey(), webhookSecret: "whsec_abcdefgh", apiBaseUrl: "http://10.1.2.3:8080" },
    ];
    for (const body of bad) expectError(await api("/api/financial/stripe/connections", { token: owner.token, body }), 400, "validation_error");
    expect(await testDb().$count(schema.stripeConnections, eq(schema.stripeConnections.orgId, owner.orgId))).toBe(0);
  });

  it("tests the connection through the SDK with the saved key and stores the account; a revoked key is an error result", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const res = await api(`/api/financial/stripe/connections/${connection.id}/test`, { method: "POST", token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ ok: true, accountId: expect.stringMatching(/^acct_/) });
    expect(res.body.data.connection.lastTest.status).toBe("ok");
    const [request] = await fakeStripeRequests(stripeRoot(), connection.secretKey);
    expect(request).toMatchObject({ path: "/v1/account", authorization: `Bearer ${connection.secretKey}` });
    const revoked = await api(`/api/financial/stripe/connections/${connection.id}`, { method: "PATCH", token: owner.token, body: { secretKey: "sk_test_revoked_0001" } });
    expect(revoked.status).toBe(200);
    const failed = await api(`/api/financial/stripe/connections/${connection.id}/test`, { method: "POST", token: owner.token });
    expect(failed.body.data.ok).toBe(false);
    expect(secretFree(JSON.stringify(failed.body))).toBe(true);
  });

  it("needs the secret key again to move the API base", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    expectError(await api(`/api/financial/stripe/connections/${connection.id}`, { method: "PATCH", token: owner.token, body: { apiBaseUrl: "https://evil.example.com" } }), 400, "validation_error");
    const row = await testDb().select().from(schema.stripeConnections).where(eq(schema.stripeConnections.id, connection.id)).get();
    expect(row!.publicConfig.apiBaseUrl).toBe(stripeRoot());
  });

  it("is billing:manage only: a viewer and an agent get 403 and write nothing; another organization's id is 404", async () => {
    const owner = await registerAccount();
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const other = await registerAccount();
    const connection = await connectStripe(owner);
    for (const who of [viewer, agent]) {
      expectError(await api("/api/financial/stripe/connections", { token: who.token, body: { secretKey: uniqueStripeKey(), webhookSecret: "whsec_abcdefgh" } }), 403, "forbidden");
      expectError(await api(`/api/financial/stripe/connections/${connection.id}`, { method: "DELETE", token: who.token }), 403, "forbidden");
      expectError(await api("/api/financial/stripe/connections", { token: who.token }), 403, "forbidden");
    }
    expect(await testDb().$count(schema.stripeConnections, eq(schema.stripeConnections.orgId, owner.orgId))).toBe(1);
    expectError(await api(`/api/financial/stripe/connections/${connection.id}`, { token: other.token }), 404, "not_found");
    expectError(await api(`/api/financial/stripe/connections/${connection.id}`, { method: "DELETE", token: other.token }), 404, "not_found");
    expectError(await api("/api/financial/stripe/connections", { token: "" }), 401, "unauthorized");
  });
});

describe("pay links", () => {
  it("answers not_configured without a connection and writes nothing", async () => {
    const owner = await registerAccount();
    const invoice = await openInvoice(owner, 1_000);
    expectError(await api(`/api/financial/invoices/${invoice.id}/checkout`, { method: "POST", token: owner.token }), 409, "not_configured");
    const row = await testDb().select().from(schema.invoices).where(eq(schema.invoices.id, invoice.id)).get();
    expect(row!.stripeCheckoutSessionId).toBeNull();
  });

  it("creates a Checkout Session for the amount due with our metadata, and reuses it while open", async () => {
    const owner = await registerAccount();
    const connection = await connectStripe(owner);
    const invoice = await openInvoice(owner, 2_500, "EUR");
    const first = await api(`/api/financial/invoices/${invoice.id}/checkout`, { method: "POST", token: owner.token });
    expect(first.status).toBe(200);
    const again = await api(`/api/financial/invoices/${invoice.id}/checkout`, { method: "POST", token: owner.token });
    expect(again.body.data).toMatchObject({ sessionId: first.body.data.sessionId, reused: true });
    const created = (await fakeStripeRequests(stripeRoot(), connection.secretKey)).filter((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");
    expect(created).toHaveLength(1);
    const params = created[0]!.params;
    expect(params).toMatchObject({ mode: "payment", metadata: { neuracrm_invoice_id: invoice.id, neuracrm_org_id: owner.orgId }, payment_intent_data: { metadata: { neuracrm_invoice_id: invoice.id, neuracrm_org_id: owner.orgId } } });
    expect(params.line_items[0].price_data).toMatchObject({ currency: "eur", unit_amount: String(invoice.amountDue) });
    // A link shared by staff has no customer token, so the customer comes back to the public thank-you page, not a staff page.
    expect(new URL(params.success_url).pathname).toBe("/payment-complete");
    expect(new URL(params.success_url).searchParams.get("paid")).toBe("1");
  });

  it("refuses drafts and paid invoices with 409, and a viewer with 403", async () => {
    const owner = await registerAccount();
    const viewer = await addMember(owner, "viewer");
    await connectStripe(owner);
    const invoice = await openInvoice(owner, 1_000);
    expectError(await api(`/api/financial/invoices/${invoice.id}/checkout`, { method: "POST", token: viewer.token }), 403, "forbidden");
    await api("/api/financial/payments", { token: owner.token, body: { invoiceId: invoice.id, amount: invoice.amountDue, currency: "USD", method: "bank_transfer", receivedAt: Date.now() } });
    expectError(await api(`/api/financial/invoices/${invoice.id}/checkout`, { method: "POST", token: owner.token }), 409, "conflict");
  });
});
