import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { conflict, invalid, setupMissing } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { auditStatement } from "../../platform/audit-writer";
import type { Actor } from "../../platform/records";
import { paymentRefunds, payments, stripeConnections } from "../../../schema";
import { formatMoney } from "../money";
import { invoiceAmountsStatement, paymentStatusStatement } from "./payment-ledger";
import { afterPaymentChange } from "./payment-effects";
import { getPayment, requirePayment, type PaymentView } from "./payments";
import { stripeFailure, type StripeEnv } from "../stripe/stripe-client";
import { connectionClient } from "../stripe/stripe-connections";

/**
 * Refunds. A Stripe payment is refunded through Stripe (refunds.create with
 * an idempotency key) and the refund row is written under Stripe's refund
 * id, so the `charge.refunded` webhook that follows finds it and adds
 * nothing; a manual payment's refund is only recorded. The guarded insert
 * re-checks what is left to refund when the batch runs.
 */

export interface RefundInput {
  amount: number;
  reason?: string | null;
}

type RefundEnv = Pick<Env, "DB" | "ORG_ROOM" | "JOBS" | "ENCRYPTION_KEY"> & StripeEnv;

export async function refundPayment(env: RefundEnv, db: Db, actor: Actor, paymentId: string, input: RefundInput): Promise<PaymentView> {
  const payment = await requirePayment(db, actor, paymentId);
  if (!["succeeded", "partially_refunded"].includes(payment.status)) throw conflict(`A ${payment.status.replace("_", " ")} payment cannot be refunded`, { status: payment.status });
  const left = payment.amount - payment.amountRefunded;
  if (input.amount > left) throw invalid({ amount: [`At most ${formatMoney(left, payment.currency)} is left to refund`] }, "The refund is more than was paid");
  const id = newId();
  let stripeRefundId: string | null = null;
  if (payment.stripePaymentIntentId || payment.stripeChargeId) {
    const connection = payment.stripeConnectionId
      ? await db.select().from(stripeConnections).where(and(eq(stripeConnections.orgId, actor.orgId), eq(stripeConnections.id, payment.stripeConnectionId))).get()
      : undefined;
    if (!connection) throw setupMissing("The Stripe connection this payment came through is gone: refund it in Stripe");
    const stripe = await connectionClient(env, connection);
    try {
      const refund = await stripe.refunds.create(
        {
          ...(payment.stripePaymentIntentId ? { payment_intent: payment.stripePaymentIntentId } : { charge: payment.stripeChargeId! }),
          amount: input.amount,
          metadata: { neuracrm_payment_id: payment.id, neuracrm_org_id: actor.orgId },
        },
        { idempotencyKey: `neuracrm-refund-${id}` },
      );
      stripeRefundId = refund.id;
    } catch (err) {
      throw stripeFailure(err);
    }
  }
  const now = Date.now();
  const leftNow = sql`(SELECT amount - amount_refunded FROM ${payments} WHERE org_id = ${actor.orgId} AND id = ${payment.id})`;
  const statements: BatchItem<"sqlite">[] = [
    db
      .insert(paymentRefunds)
      .select(
        sql`SELECT ${id}, ${actor.orgId}, ${payment.id}, ${payment.invoiceId}, ${input.amount}, ${payment.currency}, ${stripeRefundId}, ${input.reason ?? null}, ${now}, ${actor.userId}, ${now}
          WHERE ${stripeRefundId !== null ? sql`1` : sql`${leftNow} >= ${input.amount}`}`,
      )
      .onConflictDoNothing({ target: [paymentRefunds.orgId, paymentRefunds.stripeRefundId] }),
    paymentStatusStatement(db, and(eq(payments.orgId, actor.orgId), eq(payments.id, payment.id))!),
    auditStatement(db, actor.orgId, { actorId: actor.userId, action: "refund", entity: "payment", entityId: payment.id, changes: { amount: input.amount, stripeRefundId }, requestId: actor.requestId }),
  ];
  if (payment.invoiceId) statements.push(invoiceAmountsStatement(db, actor.orgId, payment.invoiceId, now));
  await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  const written = await db.select({ id: paymentRefunds.id }).from(paymentRefunds).where(and(eq(paymentRefunds.orgId, actor.orgId), eq(paymentRefunds.paymentId, payment.id), stripeRefundId ? eq(paymentRefunds.stripeRefundId, stripeRefundId) : eq(paymentRefunds.id, id))).get();
  if (!written) throw invalid({ amount: ["More than is left: another refund was recorded meanwhile"] }, "The refund is more than was paid");
  await afterPaymentChange(env, db, { orgId: actor.orgId, paymentId: payment.id, invoiceId: payment.invoiceId, becamePaid: false, change: "refunded", received: false, by: actor.userId });
  return getPayment(db, actor, payment.id);
}
