// Outbound webhooks end to end: events per second from a record change
// (REST PATCH of a deal) to a signed message delivered to a local receiver
// and verified there with the `standardwebhooks` package: the domain event's
// queue job, the fan-out, the delivery job and the signed POST. Baseline,
// measured in the same run at the same concurrency: the same PATCHes with no
// endpoint listening (the change and its event alone). Every message must
// arrive once and verify. Target: ≥ 1/10 of the baseline's changes per second.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";
import { api } from "./clients.mjs";

const CHANGES = 150;
const CONCURRENCY = 8;
const TARGET_RATIO = 1 / 10;
const DEADLINE_MS = 120_000;

async function pool(jobs, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** A receiver that verifies each message and resolves once `expected` verified messages of the tag arrived. */
async function startReceiver() {
  const state = { secret: null, verified: new Map(), earlier: 0, rejected: 0, waiters: [] };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        new Webhook(state.secret).verify(body, req.headers);
        // Baseline changes whose events were still queued when the endpoint appeared are delivered too; only the measured round counts.
        if (!JSON.parse(body).data.object.title.endsWith(" r1")) state.earlier++;
        else {
          const id = req.headers["webhook-id"];
          state.verified.set(id, (state.verified.get(id) ?? 0) + 1);
        }
      } catch {
        state.rejected++;
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      for (const w of state.waiters) w();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const until = (count) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${state.verified.size} of ${count} messages arrived`)), DEADLINE_MS);
      const check = () => state.verified.size >= count && (clearTimeout(timer), resolve());
      state.waiters.push(check);
      check();
    });
  return { url: `http://127.0.0.1:${server.address().port}/bench`, state, until, close: () => server.close() };
}

export async function benchWebhooksThroughput({ url, token }) {
  console.log(`\nWebhooks: ${CHANGES} deal changes to signed, verified deliveries, ${CONCURRENCY} PATCHes at a time`);
  const deals = [];
  for (let i = 0; i < CHANGES; i++) deals.push(await api(url, "/api/deals", { token, body: { title: `Webhook bench ${i}` } }));
  const patchAll = async (round) => {
    const t0 = performance.now();
    await pool(
      deals.map((deal, i) => () => api(url, `/api/deals/${deal.id}`, { token, method: "PATCH", body: { title: `Webhook bench ${i} r${round}` } })),
      CONCURRENCY,
    );
    return t0;
  };
  const t0 = await patchAll(0);
  const baseline = CHANGES / ((performance.now() - t0) / 1000);

  const receiver = await startReceiver();
  try {
    const created = await api(url, "/api/webhooks/endpoints", { token, body: { url: receiver.url, events: ["deal.updated"] } });
    receiver.state.secret = created.secret;
    const t1 = await patchAll(1);
    await receiver.until(CHANGES);
    const delivered = CHANGES / ((performance.now() - t1) / 1000);
    // Give duplicates a moment to show up before counting them.
    await new Promise((r) => setTimeout(r, 1000));
    const duplicates = [...receiver.state.verified.values()].filter((n) => n > 1).length;
    const ratio = delivered / baseline;
    console.log(`  baseline PATCH /api/deals/{id}     ${baseline.toFixed(1).padStart(8)} changes/s`);
    console.log(`  change → verified delivery        ${delivered.toFixed(1).padStart(8)} events/s   ratio ${ratio.toFixed(3)} (target ≥ ${TARGET_RATIO.toFixed(3)})`);
    console.log(`  delivered ${receiver.state.verified.size}/${CHANGES}, rejected signatures ${receiver.state.rejected}, duplicates ${duplicates} (and ${receiver.state.earlier} from the baseline round)`);
    if (receiver.state.rejected || receiver.state.verified.size !== CHANGES || duplicates) throw new Error("Webhooks: a message was lost, duplicated or failed its signature");
    if (ratio < TARGET_RATIO) console.log("  ✗ below target");
  } finally {
    receiver.close();
  }
}
