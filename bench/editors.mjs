// 50 editors in one room, each moving its own card between stages twice a
// second, and one observer. Reports edit-to-observer delivery for the
// organization room and, in the same run, for a bare y-partyserver room; then
// checks that no card was lost or duplicated, that every client converged,
// and that D1 holds each card's final stage.
import { generateNKeysBetween } from "fractional-indexing";
import * as Y from "yjs";
import { api, connect, whenChanged } from "./clients.mjs";
import { printRow, summarize } from "./stats.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await sleep(100);
  return check();
}

async function scenario({ url, party, room, token, cardIds, stageIds, seconds }) {
  const observer = connect(url, party, room, token);
  const clients = cardIds.map(() => connect(url, party, room, token));
  await Promise.all([observer, ...clients].map((c) => c.synced));
  await Promise.all(clients.map((c) => whenChanged(c.deals, () => cardIds.every((id) => c.deals.has(id)))));

  const latencies = [];
  const sentAt = new Map();
  observer.deals.observeDeep((events) => {
    const now = performance.now();
    for (const e of events) {
      const key = `${e.path[0]}:${e.target.get?.("updatedAt")}`;
      if (sentAt.has(key)) {
        latencies.push(now - sentAt.get(key));
        sentAt.delete(key);
      }
    }
  });
  const keys = generateNKeysBetween(null, null, 100);
  let moves = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (client, i) => {
      await sleep(Math.random() * 500);
      while (performance.now() < deadline) {
        const stamp = Date.now() * 1000 + (moves++ % 1000);
        client.doc.transact(() => {
          const card = client.deals.get(cardIds[i]);
          card.set("stageId", stageIds[(Math.random() * stageIds.length) | 0]);
          card.set("position", keys[(Math.random() * keys.length) | 0]);
          card.set("updatedAt", stamp);
        });
        sentAt.set(`${cardIds[i]}:${stamp}`, performance.now());
        await sleep(500);
      }
    }),
  );
  await until(() => sentAt.size === 0, 60_000);
  const state = (doc) => JSON.stringify(cardIds.map((id) => doc.deals.get(id)?.toJSON() ?? null));
  const converged = await until(() => clients.every((c) => state(c) === state(observer)), 30_000);
  const result = {
    moves,
    latency: summarize(latencies),
    undelivered: sentAt.size,
    onBoard: cardIds.filter((id) => observer.deals.has(id)).length,
    boardSize: observer.deals.size,
    converged,
    rejected: clients.reduce((n, c) => n + c.events.filter((e) => e.data?.code === "edit_rejected").length, 0),
    finalStages: new Map(cardIds.map((id) => [id, observer.deals.get(id)?.get("stageId")])),
  };
  for (const c of [observer, ...clients]) c.provider.destroy();
  return result;
}

export async function benchEditors({ url, orgId, token, seconds = Number(process.env.BENCH_SECONDS ?? 60), editors = 50 }) {
  const [pipeline] = (await api(url, "/api/pipelines", { token })).filter((p) => p.isDefault);
  const stageIds = pipeline.stages.slice(0, 4).map((s) => s.id);
  const cards = [];
  for (let i = 0; i < editors; i++) cards.push(await api(url, "/api/deals", { token, body: { title: `Editor ${i}`, amount: i } }));
  const cardIds = cards.map((c) => c.id);

  // The baseline room gets the same cards, written by a plain client.
  const bareRoom = `editors-${Date.now()}`;
  const seeder = connect(url, "bare-room", bareRoom);
  await seeder.synced;
  seeder.doc.transact(() => cards.forEach(({ id, ...fields }) => seeder.deals.set(id, new Y.Map(Object.entries(fields)))));
  const bare = await scenario({ url, party: "bare-room", room: bareRoom, cardIds, stageIds, seconds });
  seeder.provider.destroy();
  const ours = await scenario({ url, party: "org-room", room: orgId, token, cardIds, stageIds, seconds });

  const projected = await until(async () => {
    const stored = await api(url, `/api/deals?q=editor&per_page=100`, { token });
    return stored.length === editors && stored.every((d) => ours.finalStages.get(d.id) === d.stageId);
  }, 15_000);

  console.log(`\n${editors} editors moving their cards twice a second for ${seconds} s, one observer`);
  printRow(`bare room (${bare.moves} moves, baseline)`, bare.latency);
  printRow(`OrgRoom (${ours.moves} moves)`, ours.latency);
  console.log(`  ratio p50 ${(ours.latency.p50 / bare.latency.p50).toFixed(2)}x, p99 ${(ours.latency.p99 / bare.latency.p99).toFixed(2)}x; target p99 < 50 ms: ${ours.latency.p99 < 50 ? "met" : "NOT met"}`);
  console.log(`  OrgRoom: ${ours.onBoard}/${editors} cards, board size ${ours.boardSize}, undelivered ${ours.undelivered}, converged ${ours.converged}, rejected ${ours.rejected}, D1 matches final board: ${projected}`);
  return { bare, ours };
}
