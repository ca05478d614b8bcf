// Edit-to-peer latency through our authenticated, persisted organization room
// versus a bare y-partyserver room, measured in the same run on the same server.
import YProvider from "y-partyserver/provider";
import WebSocket from "ws";
import * as Y from "yjs";
import { printRow, summarize } from "./stats.mjs";

const ROUNDS = 4;
const EDITS_PER_ROUND = 50;

function provider(host, party, room, token) {
  const doc = new Y.Doc();
  const p = new YProvider(host, room, doc, {
    party,
    WebSocketPolyfill: WebSocket,
    disableBc: true,
    ...(token ? { params: { token } } : {}),
  });
  return { doc, p, synced: new Promise((r) => p.once("synced", r)) };
}

async function measure(a, b, n, label) {
  const map = a.doc.getMap("bench");
  const seen = b.doc.getMap("bench");
  const samples = [];
  for (let i = 0; i < n; i++) {
    const key = `${label}-${i}-${Math.random()}`;
    const arrived = new Promise((resolve) => {
      const check = () => {
        if (seen.has(key)) {
          seen.unobserve(check);
          resolve();
        }
      };
      seen.observe(check);
    });
    const t0 = performance.now();
    map.set(key, i);
    await arrived;
    samples.push(performance.now() - t0);
  }
  return samples;
}

export async function benchRoomSync({ url, orgId, token }) {
  const host = new URL(url).host;
  const bareRoom = `bare-${Date.now()}`;
  const ours = [provider(host, "org-room", orgId, token), provider(host, "org-room", orgId, token)];
  const bare = [provider(host, "bare-room", bareRoom), provider(host, "bare-room", bareRoom)];
  await Promise.all([...ours, ...bare].map((x) => x.synced));
  await measure(ours[0], ours[1], 20, "warm");
  await measure(bare[0], bare[1], 20, "warm");

  const oursSamples = [];
  const bareSamples = [];
  for (let r = 0; r < ROUNDS; r++) {
    bareSamples.push(...(await measure(bare[0], bare[1], EDITS_PER_ROUND, `b${r}`)));
    oursSamples.push(...(await measure(ours[0], ours[1], EDITS_PER_ROUND, `o${r}`)));
  }
  for (const x of [...ours, ...bare]) x.p.destroy();

  const o = summarize(oursSamples);
  const b = summarize(bareSamples);
  console.log("\nRoom sync: edit from client A observed by client B (sequential edits)");
  printRow("bare y-partyserver room (baseline)", b);
  printRow("OrgRoom (auth + durable log)", o);
  console.log(`  ratio p50 ${(o.p50 / b.p50).toFixed(2)}x, p99 ${(o.p99 / b.p99).toFixed(2)}x (target ≤ 1.3x)`);
  return { ours: o, bare: b };
}
