#!/usr/bin/env node
// Pays an invoice the way Stripe would tell us: a `checkout.session.completed`
// event for its amount due, with our metadata, signed by the official SDK with
// the webhook signing secret entered in Settings → Billing, and posted to the
// connection's webhook URL. For trying payments locally without a Stripe
// account, and for replaying (the same --event id changes nothing twice).
//
//   npm run stripe:webhook -- --invoice INV-2026-0016 --secret whsec_...
//                             [--event evt_...] [--url http://127.0.0.1:8787]
//                             [--email demo@neuracrm.dev --password ...]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import Stripe from "stripe";
import { DEMO } from "./seed-demo.mjs";

const { values } = parseArgs({
  options: {
    invoice: { type: "string" },
    secret: { type: "string" },
    event: { type: "string" },
    url: { type: "string", default: process.env.BASE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}` },
    email: { type: "string", default: DEMO.email },
    password: { type: "string", default: DEMO.password },
  },
});
if (!values.invoice || !values.secret) {
  console.error("Usage: npm run stripe:webhook -- --invoice <number> --secret <whsec_… as entered in Settings → Billing>");
  process.exit(2);
}
const base = values.url.replace(/\/$/, "");

async function api(path, token, body) {
  const res = await fetch(`${base}${path}`, {
    method: body ? "POST" : "GET",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${json.error?.message ?? JSON.stringify(json)}`);
  return json.data;
}

const token = (await api("/api/auth/login", null, { email: values.email, password: values.password })).accessToken;
const me = await api("/api/auth/me", token);
const [connection] = await api("/api/financial/stripe/connections", token);
if (!connection) throw new Error("Connect Stripe first (Settings → Billing): the webhook goes to that connection's URL");
const found = await api(`/api/financial/invoices?kind=invoice&q=${encodeURIComponent(values.invoice)}`, token);
const invoice = found.find((i) => i.number === values.invoice || i.id === values.invoice);
if (!invoice) throw new Error(`No invoice ${values.invoice}`);
// A replay (--event) resends the same money even once the invoice is paid: it must change nothing.
const amount = invoice.amountDue > 0 ? invoice.amountDue : values.event ? invoice.total : 0;
if (amount <= 0) throw new Error(`${invoice.number} has nothing due (${invoice.status})`);

const id = (prefix) => `${prefix}_test_${randomBytes(12).toString("hex")}`;
const now = Math.floor(Date.now() / 1000);
const metadata = { neuracrm_invoice_id: invoice.id, neuracrm_org_id: me.organization.id };
const session = {
  id: id("cs"),
  object: "checkout.session",
  mode: "payment",
  status: "complete",
  payment_status: "paid",
  amount_total: amount,
  currency: invoice.currency.toLowerCase(),
  payment_intent: id("pi"),
  metadata,
  created: now,
  livemode: false,
};
const payload = JSON.stringify({ id: values.event ?? id("evt"), object: "event", api_version: Stripe.API_VERSION, type: "checkout.session.completed", created: now, livemode: false, data: { object: session } });
const signature = await Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: values.secret });
const res = await fetch(connection.webhookUrl.replace(/^https?:\/\/[^/]+/, base), { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body: payload });
console.log(`${invoice.number}: ${res.status} ${await res.text()}`);
if (!res.ok) process.exit(1);
