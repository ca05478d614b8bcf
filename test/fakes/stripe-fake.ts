import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import type { StripeFakeRequest } from "./stripe-fixtures";

/**
 * A local stand-in for api.stripe.com speaking Stripe's wire format, for the
 * workerd tests, the browser tests and the webhook bench: form-encoded
 * requests with bracket notation (`metadata[neuracrm_invoice_id]=…`,
 * `line_items[0][price_data][currency]=eur`), `Authorization: Bearer sk_…`,
 * JSON objects carrying their `object` type, list objects with `has_more`,
 * and errors as `{error: {type, code, message, param}}`.
 *
 * Each secret key is its own account (a test's own lane): its Checkout
 * Sessions, payment intents, charges, refunds and balance transactions. Test
 * hooks under `/__fake/`: pay a session as a customer would (`pay`), seed
 * objects (`seed`), and read back what the Worker sent (`requests`).
 */

type Obj = Record<string, unknown> & { id: string; created: number };

interface Account {
  id: string;
  sessions: Map<string, Obj>;
  paymentIntents: Map<string, Obj>;
  charges: Map<string, Obj>;
  refunds: Map<string, Obj>;
  balanceTransactions: Map<string, Obj>;
  requests: StripeFakeRequest[];
}

const accounts = new Map<string, Account>();
const account = (key: string) => {
  let a = accounts.get(key);
  if (!a) {
    a = { id: `acct_${randomBytes(8).toString("hex")}`, sessions: new Map(), paymentIntents: new Map(), charges: new Map(), refunds: new Map(), balanceTransactions: new Map(), requests: [] };
    accounts.set(key, a);
  }
  return a;
};

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "request-id": id("req") });
  res.end(JSON.stringify(body));
}

function stripeError(res: ServerResponse, status: number, type: string, message: string, code?: string, param?: string) {
  json(res, status, { error: { type, code, message, param, doc_url: code ? `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}` : undefined } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** `a[b][0][c]=v` pairs as nested objects and arrays, as Stripe's API reads them. */
export function parseBracketForm(pairs: Iterable<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [rawKey, value] of pairs) {
    const path = rawKey.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> | unknown[] = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const isIndex = (p: string | undefined) => p !== undefined && (p === "" || /^\d+$/.test(p));
      const key: string | number = Array.isArray(node) ? (part === "" ? node.length : Number(part)) : part;
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[key] = value;
        return;
      }
      container[key] ??= isIndex(path[i + 1]) ? [] : {};
      node = container[key] as Record<string, unknown> | unknown[];
    });
  }
  return root;
}

function list(url: string, items: Obj[], limit: number, startingAfter?: string) {
  const sorted = [...items].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  const start = startingAfter ? sorted.findIndex((o) => o.id === startingAfter) + 1 : 0;
  const page = sorted.slice(start, start + limit);
  return { object: "list", url, has_more: start + limit < sorted.length, data: page };
}

function paymentIntentOf(a: Account, amount: number, currency: string, metadata: Record<string, string>, status = "succeeded") {
  const pi: Obj = { id: id("pi"), object: "payment_intent", amount, amount_received: status === "succeeded" ? amount : 0, currency, status, metadata, latest_charge: null, created: nowSeconds(), livemode: false, last_payment_error: null };
  a.paymentIntents.set(pi.id, pi);
  return pi;
}

/** A succeeded charge of `pi` with its balance transaction: Stripe's fee is 2.9% + 30 minor units, as for US cards. */
function chargeOf(a: Account, pi: Obj) {
  const amount = pi.amount as number;
  const fee = Math.round(amount * 0.029) + 30;
  const charge: Obj = { id: id("ch"), object: "charge", amount, amount_captured: amount, amount_refunded: 0, currency: pi.currency, status: "succeeded", paid: true, refunded: false, disputed: false, payment_intent: pi.id, metadata: pi.metadata, balance_transaction: null, created: nowSeconds(), livemode: false };
  const txn: Obj = { id: id("txn"), object: "balance_transaction", amount, fee, net: amount - fee, currency: pi.currency, type: "charge", source: charge.id, status: "available", created: nowSeconds(), reporting_category: "charge" };
  charge.balance_transaction = txn.id;
  pi.latest_charge = charge.id;
  a.charges.set(charge.id, charge);
  a.balanceTransactions.set(txn.id, txn);
  return { charge, balanceTransaction: txn };
}

function expand(a: Account, obj: Obj, fields: unknown): Obj {
  const wanted = Array.isArray(fields) ? (fields as string[]) : [];
  const out: Obj = { ...obj };
  if (wanted.includes("balance_transaction") && typeof obj.balance_transaction === "string") out.balance_transaction = a.balanceTransactions.get(obj.balance_transaction) ?? obj.balance_transaction;
  if (wanted.includes("latest_charge") && typeof obj.latest_charge === "string") out.latest_charge = a.charges.get(obj.latest_charge) ?? obj.latest_charge;
  if (wanted.includes("payment_intent") && typeof obj.payment_intent === "string") out.payment_intent = a.paymentIntents.get(obj.payment_intent) ?? obj.payment_intent;
  return out;
}

async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, baseUrl: string) {
  const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
  if (!/^(sk|rk)_(test|live)_\w+$/.test(key) || key.includes("revoked")) {
    return stripeError(res, 401, "invalid_request_error", `Invalid API Key provided: ${key.slice(0, 8)}*****${key.slice(-4)}`, "api_key_invalid");
  }
  const a = account(key);
  const raw = req.method === "POST" ? await readBody(req) : "";
  const params = parseBracketForm(req.method === "POST" ? new URLSearchParams(raw) : url.searchParams);
  a.requests.push({ method: req.method ?? "GET", path: url.pathname, authorization: req.headers.authorization ?? "", idempotencyKey: (req.headers["idempotency-key"] as string) ?? null, params });
  const path = url.pathname;
  const missing = (what: string, value: string) => stripeError(res, 404, "invalid_request_error", `No such ${what}: '${value}'`, "resource_missing", "id");
  let m: RegExpExecArray | null;

  if (req.method === "GET" && path === "/v1/account") {
    return json(res, 200, { id: a.id, object: "account", business_profile: { name: "Fake Stripe account" }, charges_enabled: true, country: "US", default_currency: "usd", email: "owner@example.com", type: "standard" });
  }
  if (req.method === "GET" && path === "/v1/balance") {
    const byCurrency = new Map<string, number>();
    for (const t of a.balanceTransactions.values()) byCurrency.set(t.currency as string, (byCurrency.get(t.currency as string) ?? 0) + (t.net as number));
    return json(res, 200, { object: "balance", livemode: key.startsWith("sk_live"), available: [...byCurrency].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } })), pending: [] });
  }
  if (req.method === "POST" && path === "/v1/checkout/sessions") {
    const items = (params.line_items as Record<string, any>[] | undefined) ?? [];
    if (params.mode !== "payment" || !items.length) return stripeError(res, 400, "invalid_request_error", "line_items and mode=payment are required here", "parameter_missing", "line_items");
    const currency = String(items[0]?.price_data?.currency ?? "");
    const amountTotal = items.reduce((sum, item) => sum + Number(item.price_data?.unit_amount ?? 0) * Number(item.quantity ?? 1), 0);
    const sessionId = `cs_test_${randomBytes(16).toString("hex")}`;
    const session: Obj = {
      id: sessionId,
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_total: amountTotal,
      amount_subtotal: amountTotal,
      currency,
      metadata: params.metadata ?? {},
      payment_intent: null,
      payment_intent_data: params.payment_intent_data ?? {},
      client_reference_id: params.client_reference_id ?? null,
      customer_email: params.customer_email ?? null,
      success_url: params.success_url,
      cancel_url: params.cancel_url,
      expires_at: params.expires_at ? Number(params.expires_at) : nowSeconds() + 24 * 3600,
      url: `${baseUrl}/pay/${sessionId}`,
      created: nowSeconds(),
      livemode: false,
    };
    a.sessions.set(sessionId, session);
    return json(res, 200, session);
  }
  if (req.method === "GET" && (m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path))) {
    const s = a.sessions.get(m[1]!);
    return s ? json(res, 200, expand(a, s, params.expand)) : missing("checkout.session", m[1]!);
  }
  if (req.method === "GET" && path === "/v1/balance_transactions") {
    const created = (params.created as Record<string, string> | undefined) ?? {};
    const items = [...a.balanceTransactions.values()].filter(
      (t) =>
        (created.gte === undefined || t.created >= Number(created.gte)) &&
        (created.gt === undefined || t.created > Number(created.gt)) &&
        (created.lte === undefined || t.created <= Number(created.lte)) &&
        (created.lt === undefined || t.created < Number(created.lt)) &&
        (params.type === undefined || t.type === params.type),
    );
    return json(res, 200, list(path, items, Math.min(100, Number(params.limit ?? 10)), params.starting_after as string | undefined));
  }
  if (req.method === "POST" && path === "/v1/refunds") {
    const chargeId = typeof params.charge === "string" ? params.charge : typeof params.payment_intent === "string" ? (a.paymentIntents.get(params.payment_intent)?.latest_charge as string | undefined) : undefined;
    const charge = chargeId ? a.charges.get(chargeId) : undefined;
    if (!charge) return missing(params.charge ? "charge" : "payment_intent", String(params.charge ?? params.payment_intent ?? ""));
    const remaining = (charge.amount as number) - (charge.amount_refunded as number);
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (remaining <= 0) return stripeError(res, 400, "invalid_request_error", `Charge ${charge.id} has already been refunded.`, "charge_already_refunded");
    if (!(amount > 0) || amount > remaining) return stripeError(res, 400, "invalid_request_error", `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, "amount_too_large", "amount");
    const refund: Obj = { id: id("re"), object: "refund", amount, charge: charge.id, payment_intent: charge.payment_intent, currency: charge.currency, reason: params.reason ?? null, metadata: params.metadata ?? {}, status: "succeeded", balance_transaction: null, created: nowSeconds() };
    const txn: Obj = { id: id("txn"), object: "balance_transaction", amount: -amount, fee: 0, net: -amount, currency: charge.currency, type: "refund", source: refund.id, status: "available", created: nowSeconds(), reporting_category: "refund" };
    refund.balance_transaction = txn.id;
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    a.refunds.set(refund.id, refund);
    a.balanceTransactions.set(txn.id, txn);
    return json(res, 200, refund);
  }
  if (req.method === "GET" && path === "/v1/refunds") {
    const items = [...a.refunds.values()].filter((r) => (params.charge === undefined || r.charge === params.charge) && (params.payment_intent === undefined || r.payment_intent === params.payment_intent));
    return json(res, 200, list(path, items, Math.min(100, Number(params.limit ?? 10)), params.starting_after as string | undefined));
  }
  if (req.method === "GET" && (m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path))) {
    const pi = a.paymentIntents.get(m[1]!);
    return pi ? json(res, 200, expand(a, pi, params.expand)) : missing("payment_intent", m[1]!);
  }
  if (req.method === "GET" && (m = /^\/v1\/charges\/([^/]+)$/.exec(path))) {
    const charge = a.charges.get(m[1]!);
    return charge ? json(res, 200, expand(a, charge, params.expand)) : missing("charge", m[1]!);
  }
  return stripeError(res, 404, "invalid_request_error", `Unrecognized request URL (${req.method}: ${path}).`);
}

/** The test hooks: a customer paying a session, seeded objects, and the recorded requests. */
async function handleFake(req: IncomingMessage, res: ServerResponse, url: URL) {
  if (req.method === "GET" && url.pathname === "/__fake/requests") {
    return json(res, 200, account(url.searchParams.get("key") ?? "").requests);
  }
  const body = req.method === "POST" ? (JSON.parse((await readBody(req)) || "{}") as Record<string, any>) : {};
  const a = account(String(body.key ?? ""));
  if (url.pathname === "/__fake/pay") {
    const session = a.sessions.get(String(body.sessionId));
    if (!session) return json(res, 404, { error: "no such session" });
    const metadata = (session.payment_intent_data as { metadata?: Record<string, string> }).metadata ?? {};
    const pi = paymentIntentOf(a, session.amount_total as number, session.currency as string, metadata);
    const { charge, balanceTransaction } = chargeOf(a, pi);
    Object.assign(session, { status: "complete", payment_status: "paid", payment_intent: pi.id });
    return json(res, 200, { session, paymentIntent: pi, charge, balanceTransaction });
  }
  if (url.pathname === "/__fake/charge") {
    const pi = paymentIntentOf(a, Number(body.amount), String(body.currency), body.metadata ?? {});
    const { charge, balanceTransaction } = chargeOf(a, pi);
    return json(res, 200, { paymentIntent: pi, charge, balanceTransaction });
  }
  if (url.pathname === "/__fake/seed") {
    for (const t of (body.balanceTransactions ?? []) as Obj[]) a.balanceTransactions.set(t.id, { object: "balance_transaction", ...t });
    return json(res, 200, { ok: true });
  }
  return json(res, 404, { error: "unknown fake hook" });
}

export async function startStripeFake(port = 0) {
  let baseUrl = "";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const handler = url.pathname.startsWith("/__fake/") ? handleFake(req, res, url) : handleApi(req, res, url, baseUrl);
    handler.catch((err: unknown) => stripeError(res, 500, "api_error", String(err)));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: baseUrl, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
