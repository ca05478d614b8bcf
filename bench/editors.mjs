// 50 editors in one organization room, each moving its own card between
// stages twice a second; one more client observes. Reports delivery latency
// (edit to observer) and checks that no card was lost, duplicated or left
// behind in D1.
import { generateNKeysBetween } from "fractional-indexing";
import { api, connect, whenChanged } from "./clients.mjs";
import { printRow, summarize } from "./stats.mjs";

export async function benchEditors({ url, orgId, token, seconds = Number(process.env.BENCH_SECONDS ?? 60), editors = 50 }) {
  const pipelines = await api(url, "/api/pipelines", { token }).catch(() => null);
  const pipeline = pipelines?.find((p) => p.isDefault) ?? null;
  const first = await api(url, "/api/deals", { token, body: { title: "Editor 0", amount: 0 } });
  const board = await api(url, `/api/kanban/${pipeline?.id ?? first.pipelineId}`, { token });
  const stageIds = board.stages.map((s) => s.id).filter((id, i) => i < 4);
  const cards = [first];
  for (let i = 1; i < editors; i++) cards.push(await api(url, "/api/deals", { token, body: { title: `Editor ${i}`, amount: i } }));

  const observer = connect(url, "org-room", orgId, token);
  const clients = cards.map(() => connect(url, "org-room", orgId, token));
  await Promise.all([observer, ...clients].map((c) => c.synced));
  await Promise.all(clients.map((c, i) => whenChanged(c.deals, () => c.deals.has(cards[i].id))));

  const latencies = [];
  const sentAt = new Map();
  observer.deals.observeDeep((events) => {
    const now = performance.now();
    for (const e of events) {
      const id = e.path[0] ?? null;
      const key = id ? `${id}:${e.target.get?.("updatedAt")}` : null;
      if (key && sentAt.has(key)) {
        latencies.push(now - sentAt.get(key));
        sentAt.delete(key);
      }
    }
  });

  const keys = generateNKeysBetween(null, null, 200);
  let moves = 0;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (client, i) => {
      const id = cards[i].id;
      await new Promise((r) => setTimeout(r, Math.random() * 500));
      while (performance.now() < deadline) {
        const card = client.deals.get(id);
        const stageId = stageIds[(Math.random() * stageIds.length) | 0];
        const stamp = Date.now() * 1000 + ((moves++ % 1000) | 0);
        client.doc.transact(() => {
          card.set("stageId", stageId);
          card.set("position", keys[(Math.random() * keys.length) | 0]);
          card.set("updatedAt", stamp);
        });
        sentAt.set(`${id}:${stamp}`, performance.now());
        await new Promise((r) => setTimeout(r, 500));
      }
    }),
  );
  await new Promise((r) => setTimeout(r, 1000));

  const rejected = clients.reduce((n, c) => n + c.events.filter((e) => e.data?.code === "edit_rejected").length, 0);
  const onBoard = cards.filter((c) => observer.deals.has(c.id)).length;
  const converged = cards.every((c, i) => JSON.stringify(clients[i].deals.get(c.id)?.toJSON()) === JSON.stringify(observer.deals.get(c.id)?.toJSON()));
  await new Promise((r) => setTimeout(r, 500));
  const stored = await api(url, `/api/deals?q=editor&per_page=100`, { token });
  const d1Matches = stored.filter((d) => observer.deals.get(d.id)?.get("stageId") === d.stageId).length;
  for (const c of [observer, ...clients]) c.provider.destroy();

  const st = summarize(latencies);
  console.log(`\n${editors} concurrent editors moving cards twice a second for ${seconds} s (${moves} moves)`);
  printRow("edit → observer delivery", st);
  console.log(`  target p99 < 50 ms: ${st.p99 < 50 ? "met" : "NOT met"}; undelivered: ${sentAt.size}; rejected: ${rejected}`);
  console.log(`  cards on board ${onBoard}/${editors}, clients converged: ${converged}, D1 rows ${stored.length} (stage matches board: ${d1Matches})`);
  return st;
}
