/**
 * Stripe's balance transactions against our payments and refunds, as a pure
 * function so every kind of mismatch is tested on its own.
 *
 * A charge's transaction matches the payment with its balance transaction id,
 * else its charge id, else its payment intent. Then: a different currency is
 * `currency_mismatch`, else a different amount `amount_mismatch`; Stripe's fee
 * fills a payment that has none yet, and differs from one it has as
 * `fee_mismatch`. A refund's transaction matches our refund by Stripe refund
 * id; one missing on either side, or of another amount, is `refund_mismatch`.
 * A charge Stripe has and we do not is `missing_in_crm`; a Stripe payment of
 * ours that arrived (succeeded, refunded or disputed) with no transaction is
 * `missing_in_stripe`.
 *
 * Only what falls inside the window is reported; the transactions and
 * payments around it are still used for matching, so a payment recorded a
 * little before or after Stripe's transaction is not reported twice.
 */
import type { ReconciliationMismatch } from "../../../schema";

export const CHARGE_TYPES = new Set(["charge", "payment"]);
export const REFUND_TYPES = new Set(["refund", "payment_refund"]);

export interface StripeTxn {
  id: string;
  type: string;
  amount: number;
  fee: number;
  net: number;
  /** Upper case, as we store currencies. */
  currency: string;
  /** The charge (or refund) id. */
  source: string | null;
  /** The charge's payment intent, when it had to be looked up. */
  paymentIntentId?: string | null;
  /** Epoch ms. */
  createdAt: number;
}

export interface OurPayment {
  id: string;
  amount: number;
  currency: string;
  status: string;
  fee: number | null;
  stripeChargeId: string | null;
  stripePaymentIntentId: string | null;
  stripeBalanceTransactionId: string | null;
  receivedAt: number;
}

export interface OurRefund {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  stripeRefundId: string | null;
  refundedAt: number;
}

export interface Mismatch {
  kind: ReconciliationMismatch;
  paymentId: string | null;
  stripeBalanceTransactionId: string | null;
  stripeChargeId: string | null;
  currency: string | null;
  expected: number | null;
  actual: number | null;
  message: string;
}

export interface FeeFill {
  paymentId: string;
  fee: number;
  net: number;
  balanceTransactionId: string;
}

export interface Comparison {
  compared: number;
  matched: number;
  mismatches: Mismatch[];
  feeFills: FeeFill[];
}

const COLLECTED = new Set(["succeeded", "partially_refunded", "refunded", "disputed"]);

export function compareWithStripe(input: { txns: StripeTxn[]; payments: OurPayment[]; refunds: OurRefund[]; fromAt: number; toAt: number }): Comparison {
  const inWindow = (t: number) => t >= input.fromAt && t <= input.toAt;
  const byTxn = new Map(input.payments.filter((p) => p.stripeBalanceTransactionId).map((p) => [p.stripeBalanceTransactionId!, p]));
  const byCharge = new Map(input.payments.filter((p) => p.stripeChargeId).map((p) => [p.stripeChargeId!, p]));
  const byIntent = new Map(input.payments.filter((p) => p.stripePaymentIntentId).map((p) => [p.stripePaymentIntentId!, p]));
  const refundsByStripeId = new Map(input.refunds.filter((r) => r.stripeRefundId).map((r) => [r.stripeRefundId!, r]));
  const seenPayments = new Set<string>();
  const seenRefunds = new Set<string>();
  const out: Comparison = { compared: 0, matched: 0, mismatches: [], feeFills: [] };

  for (const txn of input.txns) {
    const reported = inWindow(txn.createdAt);
    if (CHARGE_TYPES.has(txn.type)) {
      const payment =
        byTxn.get(txn.id) ?? (txn.source ? byCharge.get(txn.source) : undefined) ?? (txn.paymentIntentId ? byIntent.get(txn.paymentIntentId) : undefined);
      if (payment) seenPayments.add(payment.id);
      if (!reported) continue;
      out.compared++;
      const base = { paymentId: payment?.id ?? null, stripeBalanceTransactionId: txn.id, stripeChargeId: txn.source };
      if (!payment) {
        out.mismatches.push({ ...base, kind: "missing_in_crm", currency: txn.currency, expected: null, actual: txn.amount, message: `Stripe charge ${txn.source ?? txn.id} has no payment in NeuraCRM` });
        continue;
      }
      const before = out.mismatches.length;
      if (payment.currency !== txn.currency) {
        out.mismatches.push({ ...base, kind: "currency_mismatch", currency: txn.currency, expected: payment.amount, actual: txn.amount, message: `Recorded in ${payment.currency}, Stripe settled in ${txn.currency}` });
      } else if (payment.amount !== txn.amount) {
        out.mismatches.push({ ...base, kind: "amount_mismatch", currency: txn.currency, expected: payment.amount, actual: txn.amount, message: `Recorded ${payment.amount}, Stripe has ${txn.amount} (minor units)` });
      }
      if (payment.fee === null) {
        out.feeFills.push({ paymentId: payment.id, fee: txn.fee, net: txn.net, balanceTransactionId: txn.id });
      } else if (payment.fee !== txn.fee && payment.currency === txn.currency) {
        out.mismatches.push({ ...base, kind: "fee_mismatch", currency: txn.currency, expected: payment.fee, actual: txn.fee, message: `Recorded fee ${payment.fee}, Stripe charged ${txn.fee} (minor units)` });
      }
      if (out.mismatches.length === before) out.matched++;
    } else if (REFUND_TYPES.has(txn.type)) {
      const refund = txn.source ? refundsByStripeId.get(txn.source) : undefined;
      if (refund) seenRefunds.add(refund.id);
      if (!reported) continue;
      out.compared++;
      const amount = Math.abs(txn.amount);
      if (!refund) {
        out.mismatches.push({ kind: "refund_mismatch", paymentId: null, stripeBalanceTransactionId: txn.id, stripeChargeId: null, currency: txn.currency, expected: null, actual: amount, message: `Stripe refund ${txn.source ?? txn.id} is not recorded in NeuraCRM` });
      } else if (refund.amount !== amount || refund.currency !== txn.currency) {
        out.mismatches.push({ kind: "refund_mismatch", paymentId: refund.paymentId, stripeBalanceTransactionId: txn.id, stripeChargeId: null, currency: txn.currency, expected: refund.amount, actual: amount, message: `Refund recorded as ${refund.amount} ${refund.currency}, Stripe has ${amount} ${txn.currency}` });
      } else {
        out.matched++;
      }
    }
  }

  for (const p of input.payments) {
    if (seenPayments.has(p.id) || !inWindow(p.receivedAt) || !COLLECTED.has(p.status)) continue;
    out.compared++;
    out.mismatches.push({ kind: "missing_in_stripe", paymentId: p.id, stripeBalanceTransactionId: p.stripeBalanceTransactionId, stripeChargeId: p.stripeChargeId, currency: p.currency, expected: p.amount, actual: null, message: `Payment ${p.stripeChargeId ?? p.stripePaymentIntentId ?? p.id} has no balance transaction in Stripe` });
  }
  for (const r of input.refunds) {
    if (seenRefunds.has(r.id) || !inWindow(r.refundedAt)) continue;
    out.compared++;
    out.mismatches.push({ kind: "refund_mismatch", paymentId: r.paymentId, stripeBalanceTransactionId: null, stripeChargeId: null, currency: r.currency, expected: r.amount, actual: null, message: `Refund ${r.stripeRefundId} has no balance transaction in Stripe` });
  }
  return out;
}
