/**
 * Reconciliation runs: a run row is written first (status running) and a
 * queue job does the work, so the request answers at once with the run's id.
 * The job lists the connection's balance transactions with the SDK's
 * auto-pagination, compares them with our payments and refunds, and writes
 * the mismatches, Stripe's fees for payments that had none, and the run's
 * outcome in one batch guarded by the run still running: a redelivered job,
 * or two at once, write it once.
 */
import { and, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type Stripe from "stripe";
import { paymentRefunds, payments, reconciliationItems, reconciliationRuns, stripeConnections } from "../../../schema";
import { RECONCILIATION_JOB, type ReconciliationJob } from "../../../schema/jobs";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import { notFound, setupMissing } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { enqueue } from "../../platform/job-queue";
import { connectionClient, type StripeConnectionRow } from "../stripe/stripe-connections";
import { CHARGE_TYPES, compareWithStripe, type OurPayment, type OurRefund, type StripeTxn } from "./reconciliation-compare";

const DAY = 86_400_000;
export const DEFAULT_WINDOW_DAYS = 3;
export const MAX_WINDOW_DAYS = 90;
/** Stripe's transaction and our record of it can fall on either side of the window's edge: both sides are read this much wider for matching. */
const MATCH_MARGIN = DAY;

export type ReconciliationRun = typeof reconciliationRuns.$inferSelect;
export type ReconciliationItem = typeof reconciliationItems.$inferSelect;

/** Writes a run for each connection (the given one, or every enabled one) and queues its job. */
export async function startRuns(
  env: Pick<Env, "JOBS">,
  db: Db,
  orgId: string,
  opts: { connectionId?: string; days?: number; trigger: "cron" | "manual"; startedBy: string | null; now?: number },
): Promise<ReconciliationRun[]> {
  const filters: SQL[] = [eq(stripeConnections.orgId, orgId), eq(stripeConnections.enabled, true)];
  if (opts.connectionId) filters.push(eq(stripeConnections.id, opts.connectionId));
  const connections = await db.select({ id: stripeConnections.id }).from(stripeConnections).where(and(...filters));
  if (connections.length === 0) {
    if (opts.connectionId) throw notFound("Stripe connection");
    throw setupMissing("Stripe is not connected: connect a Stripe account in Settings → Billing first");
  }
  const now = opts.now ?? Date.now();
  const runs: ReconciliationRun[] = connections.map((c) => ({
    id: newId(),
    orgId,
    connectionId: c.id,
    fromAt: now - (opts.days ?? DEFAULT_WINDOW_DAYS) * DAY,
    toAt: now,
    status: "running",
    trigger: opts.trigger,
    compared: 0,
    matched: 0,
    mismatches: 0,
    error: null,
    startedBy: opts.startedBy,
    startedAt: now,
    finishedAt: null,
  }));
  await db.insert(reconciliationRuns).values(runs);
  for (const run of runs) await enqueue(env, { type: RECONCILIATION_JOB, orgId, runId: run.id } satisfies ReconciliationJob);
  return runs;
}

/** The balance transactions created in [from, to] (ms), every page. */
async function stripeTransactions(stripe: Stripe, from: number, to: number): Promise<StripeTxn[]> {
  const txns: StripeTxn[] = [];
  const list = stripe.balanceTransactions.list({ created: { gte: Math.floor(from / 1000), lte: Math.ceil(to / 1000) }, limit: 100 });
  for await (const t of list) {
    const source = typeof t.source === "string" ? t.source : (t.source?.id ?? null);
    txns.push({ id: t.id, type: t.type, amount: t.amount, fee: t.fee, net: t.net, currency: t.currency.toUpperCase(), source, createdAt: t.created * 1000 });
  }
  return txns;
}

const ids = (values: (string | null | undefined)[]) => JSON.stringify([...new Set(values.filter((v): v is string => !!v))]);

async function ourPayments(db: Db, orgId: string, connectionId: string, from: number, to: number, txns: StripeTxn[]): Promise<OurPayment[]> {
  return db
    .select({
      id: payments.id,
      amount: payments.amount,
      currency: payments.currency,
      status: payments.status,
      fee: payments.fee,
      stripeChargeId: payments.stripeChargeId,
      stripePaymentIntentId: payments.stripePaymentIntentId,
      stripeBalanceTransactionId: payments.stripeBalanceTransactionId,
      receivedAt: payments.receivedAt,
    })
    .from(payments)
    .where(
      and(
        eq(payments.orgId, orgId),
        or(
          and(eq(payments.stripeConnectionId, connectionId), sql`${payments.receivedAt} BETWEEN ${from} AND ${to}`),
          sql`${payments.stripeBalanceTransactionId} IN (SELECT value FROM json_each(${ids(txns.map((t) => t.id))}))`,
          sql`${payments.stripeChargeId} IN (SELECT value FROM json_each(${ids(txns.map((t) => t.source))}))`,
          sql`${payments.stripePaymentIntentId} IN (SELECT value FROM json_each(${ids(txns.map((t) => t.paymentIntentId))}))`,
        ),
      ),
    );
}

async function ourRefunds(db: Db, orgId: string, connectionId: string, from: number, to: number, txns: StripeTxn[]): Promise<OurRefund[]> {
  const rows = await db
    .select({ id: paymentRefunds.id, paymentId: paymentRefunds.paymentId, amount: paymentRefunds.amount, currency: paymentRefunds.currency, stripeRefundId: paymentRefunds.stripeRefundId, refundedAt: paymentRefunds.refundedAt, connectionId: payments.stripeConnectionId })
    .from(paymentRefunds)
    .innerJoin(payments, and(eq(payments.id, paymentRefunds.paymentId), eq(payments.orgId, paymentRefunds.orgId)))
    .where(
      and(
        eq(paymentRefunds.orgId, orgId),
        sql`${paymentRefunds.stripeRefundId} IS NOT NULL`,
        or(
          and(eq(payments.stripeConnectionId, connectionId), sql`${paymentRefunds.refundedAt} BETWEEN ${from} AND ${to}`),
          sql`${paymentRefunds.stripeRefundId} IN (SELECT value FROM json_each(${ids(txns.map((t) => t.source))}))`,
        ),
      ),
    );
  return rows;
}

/** Charges we hold under none of their Stripe ids may be ours under their payment intent: look the intents up. */
async function addPaymentIntents(stripe: Stripe, db: Db, orgId: string, txns: StripeTxn[]) {
  const charges = txns.filter((t) => CHARGE_TYPES.has(t.type) && t.source);
  if (charges.length === 0) return;
  const known = await db
    .select({ charge: payments.stripeChargeId, txn: payments.stripeBalanceTransactionId })
    .from(payments)
    .where(and(eq(payments.orgId, orgId), or(inArray(payments.stripeChargeId, charges.map((t) => t.source!)), inArray(payments.stripeBalanceTransactionId, charges.map((t) => t.id)))));
  const matched = new Set(known.flatMap((k) => [k.charge, k.txn]));
  for (const t of charges) {
    if (matched.has(t.source) || matched.has(t.id)) continue;
    const charge = await stripe.charges.retrieve(t.source!);
    t.paymentIntentId = typeof charge.payment_intent === "string" ? charge.payment_intent : (charge.payment_intent?.id ?? null);
  }
}

/** The items as one statement (they travel as one JSON parameter, clear of D1's bound-parameter cap), written only while the run is still running. */
function itemStatements(db: Db, run: ReconciliationRun, items: ReturnType<typeof compareWithStripe>["mismatches"], now: number): BatchItem<"sqlite">[] {
  if (items.length === 0) return [];
  const rows = items.map((m) => [newId(), m.kind, m.paymentId, m.stripeBalanceTransactionId, m.stripeChargeId, m.currency, m.expected, m.actual, m.message]);
  const f = (i: number) => sql.raw(`json_extract(e.value, '$[${i}]')`);
  return [
    db.insert(reconciliationItems).select(
      sql`SELECT ${f(0)}, ${run.orgId}, ${run.id}, ${f(1)}, ${f(2)}, ${f(3)}, ${f(4)}, ${f(5)}, ${f(6)}, ${f(7)}, ${f(8)}, ${now}
        FROM json_each(${JSON.stringify(rows)}) e
        WHERE EXISTS (SELECT 1 FROM reconciliation_runs r WHERE r.id = ${run.id} AND r.org_id = ${run.orgId} AND r.status = 'running')`,
    ),
  ];
}

const stillRunning = (run: ReconciliationRun) => and(eq(reconciliationRuns.id, run.id), eq(reconciliationRuns.orgId, run.orgId), eq(reconciliationRuns.status, "running"));

/** The job: compares and records, or marks the run failed with Stripe's reason (no retry: the next run covers the window again). */
export async function runReconciliation(env: Env, db: Db, orgId: string, runId: string): Promise<void> {
  const run = await db.select().from(reconciliationRuns).where(and(eq(reconciliationRuns.orgId, orgId), eq(reconciliationRuns.id, runId))).get();
  if (!run || run.status !== "running") return;
  const connection: StripeConnectionRow | undefined = await db.select().from(stripeConnections).where(and(eq(stripeConnections.orgId, orgId), eq(stripeConnections.id, run.connectionId))).get();
  try {
    if (!connection) throw new Error("The Stripe connection was removed");
    const stripe = await connectionClient(env, connection);
    const from = run.fromAt - MATCH_MARGIN;
    const to = run.toAt + MATCH_MARGIN;
    const txns = await stripeTransactions(stripe, from, to);
    await addPaymentIntents(stripe, db, orgId, txns);
    const [ours, refunds] = await Promise.all([ourPayments(db, orgId, run.connectionId, from, to, txns), ourRefunds(db, orgId, run.connectionId, from, to, txns)]);
    const result = compareWithStripe({ txns, payments: ours, refunds, fromAt: run.fromAt, toAt: run.toAt });
    const now = Date.now();
    const fills: BatchItem<"sqlite">[] = result.feeFills.map((f) =>
      db
        .update(payments)
        .set({ fee: f.fee, net: f.net, stripeBalanceTransactionId: sql`coalesce(${payments.stripeBalanceTransactionId}, ${f.balanceTransactionId})`, updatedAt: now })
        .where(and(eq(payments.orgId, orgId), eq(payments.id, f.paymentId), sql`${payments.fee} IS NULL`)),
    );
    const finish: BatchItem<"sqlite"> = db
      .update(reconciliationRuns)
      .set({ status: "done", compared: result.compared, matched: result.matched, mismatches: result.mismatches.length, finishedAt: now })
      .where(stillRunning(run));
    // Items first: they are written only while the run is still running, which `finish` ends.
    const stmts: BatchItem<"sqlite">[] = [...itemStatements(db, run, result.mismatches, now), ...fills, finish];
    await db.batch(stmts as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await db.update(reconciliationRuns).set({ status: "failed", error: message.slice(0, 500), finishedAt: Date.now() }).where(stillRunning(run));
  }
}

export async function listRuns(db: Db, orgId: string, limit: number): Promise<ReconciliationRun[]> {
  return db.select().from(reconciliationRuns).where(eq(reconciliationRuns.orgId, orgId)).orderBy(desc(reconciliationRuns.startedAt), desc(reconciliationRuns.id)).limit(limit);
}

export async function getRun(db: Db, orgId: string, id: string): Promise<ReconciliationRun & { items: ReconciliationItem[] }> {
  const run = await db.select().from(reconciliationRuns).where(and(eq(reconciliationRuns.orgId, orgId), eq(reconciliationRuns.id, id))).get();
  if (!run) throw notFound("Reconciliation run");
  const items = await db
    .select()
    .from(reconciliationItems)
    .where(and(eq(reconciliationItems.orgId, orgId), eq(reconciliationItems.runId, id)))
    .orderBy(reconciliationItems.kind, reconciliationItems.createdAt);
  return { ...run, items };
}
