import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import * as schema from "../../../schema";
import { reconciliationTask } from "../../../worker/financial/reconciliation/reconciliation-task";
import { runReconciliation } from "../../../worker/financial/reconciliation/reconciliation-runs";
import { fakeCharge, fakeSeedBalanceTransactions, uniqueStripeKey } from "../../fakes/stripe-fixtures";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { restrictToOwnRecords, testDb } from "../../record-helpers";
import { insertPayment, insertRefund } from "./revenue-fixture";

const root = inject("stripeFakeUrl");

async function connected(label: string) {
  const owner = await registerAccount(label);
  const key = uniqueStripeKey("rec");
  const res = await api("/api/financial/stripe/connections", { token: owner.token, body: { secretKey: key, webhookSecret: "whsec_abcdefgh123", apiBaseUrl: root } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { owner, key, connectionId: res.body.data.id as string };
}

/** Starts a run through the API and runs its job here, as the queue would. */
async function reconcile(owner: Account, body?: Record<string, unknown>) {
  const res = await api("/api/financial/reconciliation/runs", { token: owner.token, method: "POST", body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const run = res.body.data[0];
  expect(run.status).toBe("running");
  await runReconciliation(env, testDb(), owner.orgId, run.id);
  const detail = await api(`/api/financial/reconciliation/runs/${run.id}`, { token: owner.token });
  expect(detail.status, JSON.stringify(detail.body)).toBe(200);
  return detail.body.data;
}

const stripeIds = (p: { paymentIntent: Record<string, any>; charge: Record<string, any>; balanceTransaction: Record<string, any> }) => ({
  stripePaymentIntentId: p.paymentIntent.id as string,
  stripeChargeId: p.charge.id as string,
});

describe("reconciliation against Stripe", () => {
  it("lists each kind of mismatch and fills a missing fee from Stripe", async () => {
    const { owner, key, connectionId } = await connected("rec-kinds");
    const now = Date.now();
    const stripePayment = { method: "card" as const, stripeConnectionId: connectionId, receivedAt: now };
    // Matched: fee unknown until now.
    const fine = await fakeCharge(root, key, 10_000, "usd");
    const matched = await insertPayment(owner.orgId, { ...stripePayment, amount: 10_000, ...stripeIds(fine) });
    // Matched by payment intent alone (a checkout payment recorded before its charge was known).
    const byIntent = await fakeCharge(root, key, 2_000, "usd");
    await insertPayment(owner.orgId, { ...stripePayment, amount: 2_000, stripePaymentIntentId: byIntent.paymentIntent.id, fee: byIntent.balanceTransaction.fee });
    const notOurs = await fakeCharge(root, key, 4_200, "usd");
    const amount = await fakeCharge(root, key, 5_000, "usd");
    await insertPayment(owner.orgId, { ...stripePayment, amount: 5_500, ...stripeIds(amount) });
    const currency = await fakeCharge(root, key, 3_000, "usd");
    await insertPayment(owner.orgId, { ...stripePayment, amount: 3_000, currency: "EUR", ...stripeIds(currency) });
    const fee = await fakeCharge(root, key, 1_000, "usd");
    await insertPayment(owner.orgId, { ...stripePayment, amount: 1_000, fee: 1, ...stripeIds(fee) });
    const ghost = await insertPayment(owner.orgId, { ...stripePayment, amount: 777, stripeChargeId: "ch_ghost", stripePaymentIntentId: "pi_ghost" });
    // Refunds: one recorded with the wrong amount, one Stripe never made; a refund in Stripe we did not record.
    const nowSec = Math.floor(now / 1000);
    await fakeSeedBalanceTransactions(root, key, [
      { id: "txn_re_wrong", type: "refund", amount: -500, fee: 0, net: -500, currency: "usd", source: "re_wrong", created: nowSec },
      { id: "txn_re_unknown", type: "refund", amount: -300, fee: 0, net: -300, currency: "usd", source: "re_unknown", created: nowSec },
      { id: "txn_payout", type: "payout", amount: -9_000, fee: 0, net: -9_000, currency: "usd", source: "po_1", created: nowSec },
    ]);
    await insertRefund(owner.orgId, { paymentId: matched.id, amount: 400, stripeRefundId: "re_wrong", refundedAt: now });
    await insertRefund(owner.orgId, { paymentId: matched.id, amount: 250, stripeRefundId: "re_never", refundedAt: now });
    // Outside the window (10 days ago): not reported.
    await insertPayment(owner.orgId, { ...stripePayment, amount: 1, stripeChargeId: "ch_old", receivedAt: now - 10 * 86_400_000 });

    const run = await reconcile(owner);
    expect(run).toMatchObject({ status: "done", trigger: "manual", startedBy: owner.userId, compared: 10, matched: 2, mismatches: 8 });
    const kinds = run.items.map((i: { kind: string; expected: number | null; actual: number | null }) => [i.kind, i.expected, i.actual]);
    expect(kinds.sort()).toEqual(
      [
        ["amount_mismatch", 5_500, 5_000],
        ["currency_mismatch", 3_000, 3_000],
        ["fee_mismatch", 1, fee.balanceTransaction.fee],
        ["missing_in_crm", null, 4_200],
        ["missing_in_stripe", 777, null],
        ["refund_mismatch", 250, null],
        ["refund_mismatch", 400, 500],
        ["refund_mismatch", null, 300],
      ].sort(),
    );
    expect(run.items.find((i: { kind: string }) => i.kind === "missing_in_crm").stripeChargeId).toBe(notOurs.charge.id);
    expect(run.items.find((i: { kind: string }) => i.kind === "missing_in_stripe").paymentId).toBe(ghost.id);
    const filled = await testDb().select().from(schema.payments).where(and(eq(schema.payments.orgId, owner.orgId), eq(schema.payments.id, matched.id))).get();
    expect(filled).toMatchObject({ fee: fine.balanceTransaction.fee, net: 10_000 - fine.balanceTransaction.fee, stripeBalanceTransactionId: fine.balanceTransaction.id });
  });

  it("writes a run once when its job is delivered twice", async () => {
    const { owner, key } = await connected("rec-twice");
    await fakeCharge(root, key, 4_200, "usd");
    const run = await reconcile(owner, { days: 1 });
    await runReconciliation(env, testDb(), owner.orgId, run.id);
    const again = await api(`/api/financial/reconciliation/runs/${run.id}`, { token: owner.token });
    expect(again.body.data.items).toHaveLength(1);
    expect(again.body.data.toAt - again.body.data.fromAt).toBe(86_400_000);
  });

  it("marks the run failed with Stripe's reason when Stripe refuses", async () => {
    const { owner, connectionId } = await connected("rec-fail");
    const db = testDb();
    await db.update(schema.stripeConnections).set({ publicConfig: { apiBaseUrl: "http://127.0.0.1:9" } }).where(eq(schema.stripeConnections.id, connectionId));
    const run = await reconcile(owner);
    expect(run.status).toBe("failed");
    expect(run.error).toBeTruthy();
  });

  it("answers not_configured without a Stripe connection, and writes no run", async () => {
    const owner = await registerAccount("rec-none");
    expectError(await api("/api/financial/reconciliation/runs", { token: owner.token, method: "POST" }), 409, "not_configured");
    expect((await api("/api/financial/reconciliation/runs", { token: owner.token })).body.data).toEqual([]);
  });

  it("lets a viewer read runs but not start one; hides runs from other organizations and restricted agents", async () => {
    const { owner } = await connected("rec-roles");
    const run = await reconcile(owner);
    const viewer = await addMember(owner, "viewer", "rec-viewer");
    expectError(await api("/api/financial/reconciliation/runs", { token: viewer.token, method: "POST" }), 403, "forbidden");
    const list = await api("/api/financial/reconciliation/runs", { token: viewer.token });
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([run.id]);
    const other = await registerAccount("rec-roles-other");
    expectError(await api(`/api/financial/reconciliation/runs/${run.id}`, { token: other.token }), 404, "not_found");
    expect((await api("/api/financial/reconciliation/runs", { token: other.token })).body.data).toEqual([]);
    const agent = await addMember(owner, "agent", "rec-agent");
    await restrictToOwnRecords(owner);
    expectError(await api("/api/financial/reconciliation/runs", { token: agent.token }), 403, "forbidden");
    expectError(await api("/api/financial/reconciliation/runs", { token: owner.token, method: "POST", body: { days: 0 } }), 400, "validation_error");
    expectError(await api("/api/financial/reconciliation/runs", { token: owner.token, method: "POST", body: { connectionId: "nope" } }), 404, "not_found");
  });

  it("starts one nightly run per organization and day, from 03:00 UTC", async () => {
    const { owner } = await connected("rec-cron");
    const day = Date.UTC(2031, 4, 6);
    const cronRuns = async () =>
      (await testDb().select().from(schema.reconciliationRuns).where(and(eq(schema.reconciliationRuns.orgId, owner.orgId), eq(schema.reconciliationRuns.trigger, "cron")))).length;
    await reconciliationTask(env, new Date(day + 2 * 3_600_000 + 59 * 60_000));
    expect(await cronRuns()).toBe(0);
    await reconciliationTask(env, new Date(day + 3 * 3_600_000));
    await reconciliationTask(env, new Date(day + 3 * 3_600_000 + 60_000));
    await reconciliationTask(env, new Date(day + 23 * 3_600_000));
    expect(await cronRuns()).toBe(1);
    await reconciliationTask(env, new Date(day + 27 * 3_600_000));
    expect(await cronRuns()).toBe(2);
  });
});
