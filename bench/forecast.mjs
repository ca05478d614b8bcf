// The forecast on 20,000 deals: GET /api/forecast (six months by owner), its
// quarterly view, a drill-down and the accuracy view, against a plain deals
// list of the same pipeline (one page of 100 with its total count over the
// same 20,000 rows) as the same-run baseline. The deals are loaded into a
// fresh organization of their own through the bench Worker's bulk loader,
// with close dates from three months back to six ahead, five owners and two
// currencies; the stage-history trigger records each insert, as it would.
// Target: forecast p50 ≤ 10x the list's p50 (it reads every deal in the window, the list reads one page).
import { randomUUID } from "node:crypto";
import { loadScaleData } from "./scale-data.mjs";
import { printRow, summarize } from "./stats.mjs";
import { rng } from "../scripts/demo-data.mjs";

const DEALS = 20_000;
const N = 40;
const TARGET_RATIO = 10;
const DAY = 86_400_000;

const q = (v) => (v === null ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);
const day = (t) => new Date(t).toISOString().slice(0, 10);

async function json(url, token, path, init = {}) {
  const res = await fetch(`${url}${path}`, { ...init, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers } });
  const body = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body.data;
}

async function time(url, token, path, n = N) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

function dealRows(orgId, pipelineId, stages, owners) {
  const r = rng(4242);
  const now = Date.now();
  const rows = Array.from({ length: DEALS }, (_, i) => {
    const roll = r.next();
    const status = roll < 0.6 ? "open" : roll < 0.8 ? "won" : "lost";
    const stage = status === "open" ? stages[r.int(0, 3)] : status === "won" ? stages[4] : stages[5];
    const closeDate = r.chance(0.05) && status === "open" ? null : day(now + r.int(-90, 180) * DAY);
    const amount = Math.round(Math.exp(r.next() * 4 + 7) / 100) * 100;
    return [randomUUID(), orgId, owners[i % owners.length], "[]", now - i, now - i, `Deal ${i}`, amount, i % 7 === 0 ? "EUR" : "USD", pipelineId, stage, `a${i.toString(36)}`, status, closeDate, 1];
  });
  const columns = "id,org_id,owner_id,tags,created_at,updated_at,title,amount,currency,pipeline_id,stage_id,position,status,close_date,version";
  const sql = [];
  for (let i = 0; i < rows.length; i += 200) {
    sql.push(`INSERT INTO deals (${columns}) VALUES\n${rows.slice(i, i + 200).map((row) => `(${row.map(q).join(",")})`).join(",\n")};`);
  }
  return sql;
}

export async function benchForecast({ url }) {
  const reg = await json(url, null, "/api/auth/register", {
    method: "POST",
    headers: { "cf-connecting-ip": "198.18.1.3" },
    body: JSON.stringify({ name: "Forecast Bench", email: `forecast-bench-${Date.now()}@example.com`, password: "bench-password-2026", organizationName: "Forecast Bench" }),
  });
  const token = reg.accessToken;
  const [pipeline] = (await json(url, token, "/api/pipelines")).filter((p) => p.isDefault);
  const owners = [reg.user.id, ...Array.from({ length: 4 }, () => randomUUID())];
  console.log(`\nLoading ${DEALS.toLocaleString("en")} deals for the forecast…`);
  await loadScaleData(url, dealRows(reg.organization.id, pipeline.id, pipeline.stages.map((s) => s.id), owners));

  const now = Date.now();
  const from = day(now - 90 * DAY).slice(0, 8) + "01";
  const to = day(now + 90 * DAY);
  const p = encodeURIComponent(pipeline.id);
  const period = day(now).slice(0, 7);
  const rows = [
    ["deals list, 100 of 20,000 (baseline)", `/api/deals?pipelineId=${p}&per_page=100`],
    ["forecast, months by owner", `/api/forecast?pipelineId=${p}&from=${from}&to=${to}&interval=month&groupBy=owner`],
    ["forecast, quarters", `/api/forecast?pipelineId=${p}&from=${from}&to=${to}&interval=quarter&groupBy=none`],
    ["drill-down (best case, a month)", `/api/forecast/deals?pipelineId=${p}&period=${period}&measure=bestCase`],
    ["accuracy (six past months)", `/api/forecast/accuracy?pipelineId=${p}`],
  ];
  console.log(`Forecast on ${DEALS.toLocaleString("en")} deals (sequential requests)`);
  const results = {};
  for (const [label, path] of rows) {
    results[label] = await time(url, token, path);
    printRow(label, results[label]);
  }
  const base = results[rows[0][0]];
  const f = results[rows[1][0]];
  const ratio = f.p50 / base.p50;
  console.log(`  forecast vs list: p50 ${ratio.toFixed(1)}x, p99 ${(f.p99 / base.p99).toFixed(1)}x; target p50 ≤ ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? "met" : "NOT met"}`);
  return results;
}
