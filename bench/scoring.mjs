// Scoring: scoring 100,000 leads and training on 20,000 outcomes, in time
// and memory (RSS and heap deltas), each against a baseline measured in the
// same run: a plain pass over the same rows (reading every field and
// serializing the row), so the ratio says what scoring costs over merely
// touching the data. The product's own code (worker/scoring/) is bundled
// and measured, not a copy; the rows have the shape the D1 loader yields.
// `node bench/scoring.mjs` runs it alone; it needs no server.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const SCORED = 100_000;
const OUTCOMES = 20_000;

async function productCode() {
  const dir = mkdtempSync(join(tmpdir(), "neuracrm-scoring-bench-"));
  try {
    const entry = join(dir, "entry.ts");
    writeFileSync(entry, [
      `export { leadFeatures } from ${JSON.stringify(join(root, "worker/scoring/record-features.ts"))};`,
      `export { featureGroups } from ${JSON.stringify(join(root, "worker/scoring/feature-buckets.ts"))};`,
      `export { trainScoringModel, compileModel } from ${JSON.stringify(join(root, "worker/scoring/scoring-model.ts"))};`,
      `export { rocAuc, timeSplit } from ${JSON.stringify(join(root, "worker/scoring/model-evaluation.ts"))};`,
      `export { fingerprint } from ${JSON.stringify(join(root, "worker/scoring/model-store.ts"))};`,
    ].join("\n"));
    const outfile = join(dir, "scoring.mjs");
    await build({ entryPoints: [entry], bundle: true, format: "esm", platform: "node", outfile, logLevel: "error" });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A seeded generator, so every run scores the same leads. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const SOURCES = ["Referral", "Web", "Event", "Cold call", "Partner", "Ads"];
const TITLES = ["CEO", "VP Sales", "Head of IT", "Office Manager", "Engineer", null];
const INDUSTRIES = ["Software", "Retail", "Health", "Finance", null];

function leadRows(n, now, seed) {
  const rand = seeded(seed);
  return Array.from({ length: n }, (_, i) => {
    const a30 = Math.floor(rand() * 8);
    const createdAt = now - Math.floor(rand() * 200) * DAY;
    const row = {
      id: `lead-${i}`,
      source: SOURCES[Math.floor(rand() * SOURCES.length)],
      title: TITLES[Math.floor(rand() * TITLES.length)],
      email: rand() < 0.6 ? `p${i}@acme${i % 500}.example` : `p${i}@gmail.com`,
      phone: rand() < 0.7 ? "+14155550100" : null,
      tags: rand() < 0.2 ? ["vip"] : [],
      createdAt,
      companyIndustry: INDUSTRIES[Math.floor(rand() * INDUSTRIES.length)],
      companySize: rand() < 0.5 ? "51-200" : null,
      activities7: Math.min(a30, Math.floor(rand() * 3)),
      activities30: a30,
      lastActivityAt: a30 ? now - Math.floor(rand() * 25) * DAY : null,
      firstActivityAt: a30 ? createdAt + Math.floor(rand() * 72) * 3_600_000 : null,
    };
    const logit = -0.4 + (row.source === "Referral" ? 1.6 : 0) + (row.email.endsWith("gmail.com") ? -0.9 : 0.6) + (a30 >= 2 ? 0.8 : -0.8);
    return { row, outcome: rand() < 1 / (1 + Math.exp(-logit)) ? 1 : 0, outcomeAt: createdAt + 30 * DAY + i };
  });
}

function measure(label, fn) {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const start = performance.now();
  const result = fn();
  const ms = performance.now() - start;
  const after = process.memoryUsage();
  return { label, ms, rssMb: (after.rss - before.rss) / 2 ** 20, heapMb: (after.heapUsed - before.heapUsed) / 2 ** 20, result };
}

export async function benchScoring() {
  const code = await productCode();
  const now = Date.now();
  const outcomes = leadRows(OUTCOMES, now, 11);
  const open = leadRows(SCORED, now, 23);

  const trainBaseline = measure("plain pass over 20,000 outcomes", () => outcomes.reduce((n, o) => n + JSON.stringify(o.row).length + o.outcome, 0));
  const trained = measure("train on 20,000 outcomes (features, split, learn, holdout AUC)", () => {
    const samples = outcomes.map((o) => ({ id: o.row.id, outcomeAt: o.outcomeAt, label: o.outcome, groups: code.featureGroups("lead", code.leadFeatures(o.row, o.outcomeAt)) }));
    const { train, holdout } = code.timeSplit(samples, 0.2);
    const params = code.trainScoringModel(train);
    const model = code.compileModel(params);
    return { params, auc: code.rocAuc(holdout.map((h) => model.probability(h.groups)), holdout.map((h) => h.label)) };
  });

  const model = code.compileModel(trained.result.params);
  const scoreBaseline = measure("plain pass over 100,000 leads", () => open.reduce((n, o) => n + JSON.stringify(o.row).length, 0));
  const scored = measure("score 100,000 leads (features, explanation, input hash)", () => {
    let total = 0;
    for (const o of open) {
      const groups = code.featureGroups("lead", code.leadFeatures(o.row, now));
      const { score } = model.explain(groups);
      code.fingerprint(JSON.stringify(groups));
      total += score;
    }
    return total / open.length;
  });

  const line = (m, base) =>
    `  ${m.label.padEnd(64)} ${m.ms.toFixed(0).padStart(6)} ms  ${(m.ms / base.ms).toFixed(1).padStart(6)}× baseline  rss ${m.rssMb.toFixed(1).padStart(6)} MB  heap ${m.heapMb.toFixed(1).padStart(6)} MB`;
  console.log("\nscoring (worker/scoring, bundled):");
  console.log(line(trainBaseline, trainBaseline));
  console.log(line(trained, trainBaseline));
  console.log(`  holdout AUC ${trained.result.auc.toFixed(3)} on ${Math.round(OUTCOMES * 0.2)} outcomes; ${trained.result.params.features.length} features`);
  console.log(line(scoreBaseline, scoreBaseline));
  console.log(line(scored, scoreBaseline));
  console.log(`  ${((SCORED / scored.ms) * 1000).toFixed(0)} leads scored per second; mean score ${scored.result.toFixed(1)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await benchScoring();
