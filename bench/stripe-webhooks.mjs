// Stripe webhook ingest: signed `checkout.session.completed` events per second
// through the real route (signature check, one D1 batch with the event id,
// the invoice settled and its revenue recognized), against a baseline
// measured in the same run at the same concurrency: GET /api/health, the
// cheapest request the Worker answers. Every event is delivered twice (the
// replay must answer `duplicate: true` and write nothing); at the end the
// organization must hold exactly one payment per event and every invoice
// must be paid. Target: ingest ≥ 1/20 of the baseline's requests per second.
import Stripe from "stripe";
import { api } from "./clients.mjs";

const EVENTS = 120;
const CONCURRENCY = 8;
const TARGET_RATIO = 1 / 20;

async function pool(jobs, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function throughput(jobs) {
  const t0 = performance.now();
  await pool(jobs, CONCURRENCY);
  return jobs.length / ((performance.now() - t0) / 1000);
}

export async function benchStripeWebhooks({ url, token, orgId }) {
  console.log(`\nStripe webhooks: ${EVENTS} signed checkout.session.completed events, each delivered twice, ${CONCURRENCY} at a time`);
  const webhookSecret = `whsec_bench${Date.now()}`;
  const connection = await api(url, "/api/financial/stripe/connections", { token, body: { secretKey: `sk_test_bench${Date.now()}`, webhookSecret } });
  const company = await api(url, "/api/companies", { token, body: { name: "Webhook Bench Ltd" } });
  const invoices = [];
  for (let i = 0; i < EVENTS; i++) {
    const draft = await api(url, "/api/financial/invoices", { token, body: { currency: "USD", companyId: company.id, lines: [{ description: `Bench ${i}`, quantity: 1, unitPrice: 10_000 + i }] } });
    invoices.push(await api(url, `/api/financial/invoices/${draft.id}/finalize`, { token, method: "POST" }));
  }
  const deliveries = invoices.map((invoice, i) => {
    const metadata = { neuracrm_invoice_id: invoice.id, neuracrm_org_id: orgId };
    const payload = JSON.stringify({
      id: `evt_bench_${Date.now()}_${i}`, object: "event", type: "checkout.session.completed", created: Math.floor(Date.now() / 1000), livemode: false,
      data: { object: { id: `cs_test_bench_${i}`, object: "checkout.session", mode: "payment", status: "complete", payment_status: "paid", amount_total: invoice.amountDue, currency: "usd", payment_intent: `pi_bench_${Date.now()}_${i}`, metadata } },
    });
    return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }) };
  });
  let duplicatesAnswered = 0;
  const deliver = ({ payload, signature }) => async () => {
    const res = await fetch(`${url}/api/financial/stripe/${connection.id}/webhook`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body: payload });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${JSON.stringify(body)}`);
    if (body.data.duplicate) duplicatesAnswered++;
  };
  const baseline = await throughput(Array.from({ length: EVENTS * 2 }, () => async () => void (await fetch(`${url}/api/health`)).text()));
  const ingest = await throughput([...deliveries.map(deliver), ...deliveries.map(deliver)]);
  const payments = await fetch(`${url}/api/financial/payments?per_page=1`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
  const paid = await Promise.all(invoices.map((inv) => api(url, `/api/financial/invoices/${inv.id}`, { token }).then((d) => d.status === "paid")));
  const ratio = ingest / baseline;
  console.log(`  baseline GET /api/health           ${baseline.toFixed(0).padStart(8)} req/s`);
  console.log(`  webhook ingest (incl. replays)     ${ingest.toFixed(0).padStart(8)} events/s   ratio ${ratio.toFixed(3)} (target ≥ ${TARGET_RATIO.toFixed(3)})`);
  console.log(`  payments ${payments.meta.total} for ${EVENTS} events; replays answered duplicate ${duplicatesAnswered}/${EVENTS}; invoices paid ${paid.filter(Boolean).length}/${EVENTS}`);
  if (payments.meta.total !== EVENTS || duplicatesAnswered !== EVENTS || paid.some((p) => !p)) throw new Error("Stripe webhooks: duplicate or missing payments");
  if (ratio < TARGET_RATIO) console.log("  ✗ below target");
}
