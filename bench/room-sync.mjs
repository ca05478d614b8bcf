// Edit-to-peer latency through the organization room (auth, durable log,
// board validation and D1 projection all on) against a bare y-partyserver
// room, in the same run on the same server. Each edit changes a deal card.
import * as Y from "yjs";
import { api, connect, whenChanged } from "./clients.mjs";
import { printRow, summarize } from "./stats.mjs";

const ROUNDS = 5;
const EDITS_PER_ROUND = 200;

async function measure(a, b, dealId, n) {
  const samples = [];
  const card = a.deals.get(dealId);
  for (let i = 0; i < n; i++) {
    const amount = Math.floor(Math.random() * 1e9);
    const seen = whenChanged(b.deals, () => b.deals.get(dealId)?.get("amount") === amount);
    const t0 = performance.now();
    card.set("amount", amount);
    await seen;
    samples.push(performance.now() - t0);
  }
  return samples;
}

export async function benchRoomSync({ url, orgId, token }) {
  const deal = await api(url, "/api/deals", { token, body: { title: "Sync bench", amount: 1 } });
  const bareRoom = `bare-${Date.now()}`;
  const ours = [connect(url, "org-room", orgId, token), connect(url, "org-room", orgId, token)];
  const bare = [connect(url, "bare-room", bareRoom), connect(url, "bare-room", bareRoom)];
  await Promise.all([...ours, ...bare].map((x) => x.synced));
  const seed = new Y.Map();
  for (const [k, v] of Object.entries(deal)) if (k !== "id") seed.set(k, v);
  bare[0].deals.set(deal.id, seed);
  await whenChanged(bare[1].deals, () => bare[1].deals.has(deal.id));
  await whenChanged(ours[0].deals, () => ours[0].deals.has(deal.id));

  await measure(ours[0], ours[1], deal.id, 50);
  await measure(bare[0], bare[1], deal.id, 50);
  const oursSamples = [];
  const bareSamples = [];
  for (let r = 0; r < ROUNDS; r++) {
    bareSamples.push(...(await measure(bare[0], bare[1], deal.id, EDITS_PER_ROUND)));
    oursSamples.push(...(await measure(ours[0], ours[1], deal.id, EDITS_PER_ROUND)));
  }
  const rejected = ours[0].events.filter((e) => e.data?.code === "edit_rejected").length;
  for (const x of [...ours, ...bare]) x.provider.destroy();

  const o = summarize(oursSamples);
  const b = summarize(bareSamples);
  console.log("\nRoom sync: a deal edit in client A observed by client B (sequential edits)");
  printRow("bare y-partyserver room (baseline)", b);
  printRow("OrgRoom (auth, log, rules, projection)", o);
  console.log(`  ratio p50 ${(o.p50 / b.p50).toFixed(2)}x, p99 ${(o.p99 / b.p99).toFixed(2)}x (target ≤ 1.3x); rejected edits: ${rejected}`);
  return { ours: o, bare: b };
}
