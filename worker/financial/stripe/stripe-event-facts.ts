/**
 * What a Stripe event says about money, read from the event's own object
 * (its verified signature proves it came from the connected account). Each
 * handled type becomes one plain fact; types we do not act on become
 * `ignored`. Stripe objects arrive in snake_case with ids or expanded
 * objects in the same field, so every read is defensive.
 */

type Json = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);
/** An id field that may also hold the expanded object. */
const idOf = (v: unknown): string | null => str(v) ?? (v && typeof v === "object" ? str((v as Json).id) : null);
const objectOf = (v: unknown): Json | null => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : null);

function metadataOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(objectOf(v) ?? {})) if (typeof value === "string") out[k] = value;
  return out;
}

export interface MoneyFact {
  paymentIntentId: string | null;
  chargeId: string | null;
  checkoutSessionId: string | null;
  amount: number;
  /** Upper-case ISO 4217, as stored. */
  currency: string;
  metadata: Record<string, string>;
  /** Milliseconds. */
  occurredAt: number;
  balanceTransactionId: string | null;
  fee: number | null;
  net: number | null;
}

export interface RefundFact {
  id: string;
  amount: number;
  reason: string | null;
  refundedAt: number;
}

export type EventFact =
  | { kind: "succeeded"; money: MoneyFact }
  | { kind: "failed"; money: MoneyFact; reason: string }
  | { kind: "refunded"; money: MoneyFact; amountRefunded: number; refunds: RefundFact[] | null }
  | { kind: "disputed"; chargeId: string; paymentIntentId: string | null; amount: number; currency: string; reason: string; disputedAt: number }
  | { kind: "ignored"; why: string };

const ms = (seconds: unknown, fallback: number) => (num(seconds) ?? Math.floor(fallback / 1000)) * 1000;

function fromSession(s: Json, at: number): MoneyFact | null {
  const amount = num(s.amount_total);
  const currency = str(s.currency);
  if (amount === null || !currency) return null;
  return { paymentIntentId: idOf(s.payment_intent), chargeId: null, checkoutSessionId: str(s.id), amount, currency: currency.toUpperCase(), metadata: metadataOf(s.metadata), occurredAt: at, balanceTransactionId: null, fee: null, net: null };
}

function fromPaymentIntent(pi: Json, at: number): MoneyFact | null {
  const amount = num(pi.amount_received) || num(pi.amount);
  const currency = str(pi.currency);
  if (amount === null || !currency) return null;
  return { paymentIntentId: str(pi.id), chargeId: idOf(pi.latest_charge), checkoutSessionId: null, amount, currency: currency.toUpperCase(), metadata: metadataOf(pi.metadata), occurredAt: at, balanceTransactionId: null, fee: null, net: null };
}

export function fromCharge(ch: Json, at: number): MoneyFact | null {
  const amount = num(ch.amount_captured) || num(ch.amount);
  const currency = str(ch.currency);
  if (amount === null || !currency) return null;
  const txn = objectOf(ch.balance_transaction);
  return {
    paymentIntentId: idOf(ch.payment_intent),
    chargeId: str(ch.id),
    checkoutSessionId: null,
    amount,
    currency: currency.toUpperCase(),
    metadata: metadataOf(ch.metadata),
    occurredAt: at,
    balanceTransactionId: idOf(ch.balance_transaction),
    fee: txn ? num(txn.fee) : null,
    net: txn ? num(txn.net) : null,
  };
}

function refundsOf(ch: Json, now: number): RefundFact[] | null {
  const list = objectOf(ch.refunds);
  if (!list || !Array.isArray(list.data) || list.has_more === true) return null;
  return (list.data as unknown[]).flatMap((r) => {
    const o = objectOf(r);
    const id = str(o?.id);
    const amount = num(o?.amount);
    if (!o || !id || amount === null || (o.status !== undefined && o.status !== "succeeded" && o.status !== "pending")) return [];
    return [{ id, amount, reason: str(o.reason), refundedAt: ms(o.created, now) }];
  });
}

export function eventFact(event: { type: string; created?: number; data: { object: unknown } }, now = Date.now()): EventFact {
  const o = objectOf(event.data.object) ?? {};
  const at = ms(event.created, now);
  const unreadable = { kind: "ignored" as const, why: `unreadable ${event.type} object` };
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      if (o.mode !== undefined && o.mode !== "payment") return { kind: "ignored", why: `checkout session in ${String(o.mode)} mode` };
      if (o.payment_status !== "paid") return { kind: "ignored", why: "awaiting an asynchronous payment" };
      const money = fromSession(o, at);
      return money ? { kind: "succeeded", money } : unreadable;
    }
    case "checkout.session.async_payment_failed": {
      const money = fromSession(o, at);
      return money ? { kind: "failed", money, reason: "The asynchronous payment failed" } : unreadable;
    }
    case "payment_intent.succeeded": {
      const money = fromPaymentIntent(o, at);
      return money ? { kind: "succeeded", money } : unreadable;
    }
    case "payment_intent.payment_failed": {
      const money = fromPaymentIntent(o, at);
      const error = objectOf(o.last_payment_error);
      const reason = str(error?.message) ?? str(error?.decline_code) ?? str(error?.code) ?? "The payment failed";
      return money ? { kind: "failed", money: { ...money, amount: num(o.amount) ?? money.amount }, reason } : unreadable;
    }
    case "charge.succeeded":
    case "charge.updated": {
      if (o.status !== "succeeded" || o.paid === false) return { kind: "ignored", why: `charge ${String(o.status)}` };
      const money = fromCharge(o, at);
      return money ? { kind: "succeeded", money } : unreadable;
    }
    case "charge.refunded": {
      const money = fromCharge(o, at);
      const amountRefunded = num(o.amount_refunded);
      return money && amountRefunded !== null ? { kind: "refunded", money, amountRefunded, refunds: refundsOf(o, now) } : unreadable;
    }
    case "charge.dispute.created": {
      const chargeId = idOf(o.charge);
      const amount = num(o.amount);
      const currency = str(o.currency);
      if (!chargeId || amount === null || !currency) return unreadable;
      return { kind: "disputed", chargeId, paymentIntentId: idOf(o.payment_intent), amount, currency: currency.toUpperCase(), reason: str(o.reason) ?? "disputed", disputedAt: at };
    }
    default:
      return { kind: "ignored", why: `${event.type} is not used` };
  }
}
