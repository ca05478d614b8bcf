// REST latency among 100,000 contacts and 20,000 deals, with /api/health as
// the same-run baseline.
import { printRow, summarize } from "./stats.mjs";

async function time(url, token, path, n = 60) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}${typeof path === "function" ? path(i) : path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

const TYPING = ["s", "sm", "smi", "smit", "smith", "o", "ol", "oli", "oliv", "olivia", "acme", "glo", "ini"];

export async function benchRest({ url, token, pipelineId, stageIds }) {
  const rows = [
    ["GET /api/health (baseline)", "/api/health"],
    ["contacts page 1 (25, by name)", "/api/contacts?sort=name"],
    ["contacts page 2,000 (50 each)", "/api/contacts?page=2000&per_page=50"],
    ["contacts filtered by text (q=smith)", "/api/contacts?q=smith"],
    ["search while typing (FTS5)", (i) => `/api/search?q=${TYPING[i % TYPING.length]}`],
    ["deals by amount (top 50)", "/api/deals?sort=-amount&per_page=50"],
    ["deals in one stage", `/api/deals?stageId=${stageIds[1]}&per_page=50`],
    ["kanban board (~5,000 open cards)", `/api/kanban/${pipelineId}`],
  ];
  console.log("\nREST among 100,000 contacts and 20,000 deals (sequential requests)");
  const results = {};
  for (const [label, path] of rows) {
    const st = await time(url, token, path, label.startsWith("kanban") ? 10 : 60);
    results[label] = st;
    printRow(label, st);
  }
  const base = results["GET /api/health (baseline)"].p50;
  console.log(`  p50 ratios vs health: ${Object.entries(results).slice(1).map(([k, v]) => `${k.split(" (")[0]} ${(v.p50 / base).toFixed(1)}x`).join(", ")}`);
  return results;
}
