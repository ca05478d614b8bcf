// Sentiment: how well each available model labels bench/sentiment-set.jsonl
// (217 hand-written support and sales messages: complaints, outages,
// cancellations, pricing, questions, thanks, renewals, mixed "but"
// sentences), as macro-F1, per-class precision and recall and the confusion
// matrix; and how fast the embedded models judge, in messages per second,
// against a baseline measured in the same run (tokenizing the same messages
// only), so the ratio says how much a judgment costs over reading the text.
// The product's own model code (worker/sentiment/) is bundled and measured,
// not a copy. The chat classifier runs only when OPENAI_API_KEY or
// OPENAI_BASE_URL is set (with AI_CHAT_MODEL, default gpt-4.1-mini).
// `node bench/sentiment.mjs` runs it alone; it needs no server.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const LABELS = ["negative", "neutral", "positive"];
const THROUGHPUT_ROUNDS = 20;

async function productModels() {
  const dir = mkdtempSync(join(tmpdir(), "neuracrm-sentiment-bench-"));
  try {
    const outfile = join(dir, "sentiment.mjs");
    await build({ entryPoints: [join(root, "worker/sentiment/index.ts")], bundle: true, format: "esm", platform: "neutral", outfile, logLevel: "error", mainFields: ["module", "main"] });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** AFINN-165 (the `sentiment` package), the other maintained lexicon model that was a candidate; the same ±0.05 cut-offs on its comparative score per word. */
function afinnModel(labelOf) {
  const Sentiment = createRequire(import.meta.url)("sentiment");
  const afinn = new Sentiment();
  return {
    name: "afinn-165 (candidate)",
    judge: async (texts) => texts.map((t) => {
      const score = Math.max(-1, Math.min(1, afinn.analyze(t).comparative));
      return { label: labelOf(score), score, model: "afinn" };
    }),
  };
}

function chatCompletion() {
  const base = process.env.OPENAI_BASE_URL || (process.env.OPENAI_API_KEY ? "https://api.openai.com/v1" : null);
  if (!base) return null;
  const model = process.env.AI_CHAT_MODEL || "gpt-4.1-mini";
  const complete = async (system, user) => {
    const res = await fetch(`${base.replace(/\/$/, "")}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${process.env.OPENAI_API_KEY ?? ""}` },
      body: JSON.stringify({ model, temperature: 0, messages: [{ role: "system", content: system }, { role: "user", content: user }] }),
    });
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    return (await res.json()).choices[0].message.content;
  };
  return { complete, model };
}

export function scoreOf(gold, predicted) {
  const matrix = Object.fromEntries(LABELS.map((g) => [g, Object.fromEntries(LABELS.map((p) => [p, 0]))]));
  gold.forEach((g, i) => matrix[g][predicted[i]]++);
  const perClass = LABELS.map((label) => {
    const tp = matrix[label][label];
    const predictedAs = LABELS.reduce((n, g) => n + matrix[g][label], 0);
    const actual = LABELS.reduce((n, p) => n + matrix[label][p], 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = actual ? tp / actual : 0;
    return { label, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
  });
  return { matrix, perClass, macroF1: perClass.reduce((s, c) => s + c.f1, 0) / LABELS.length };
}

function printScore(name, { matrix, perClass, macroF1 }) {
  console.log(`\n  ${name}: macro-F1 ${macroF1.toFixed(3)}`);
  for (const c of perClass) console.log(`    ${c.label.padEnd(9)} precision ${c.precision.toFixed(2)}  recall ${c.recall.toFixed(2)}  F1 ${c.f1.toFixed(2)}`);
  console.log(`    confusion (rows: labelled, columns: predicted)  ${LABELS.map((l) => l.slice(0, 8).padStart(9)).join("")}`);
  for (const g of LABELS) console.log(`    ${g.padEnd(46)}${LABELS.map((p) => String(matrix[g][p]).padStart(9)).join("")}`);
}

/** Messages per second over several passes of the whole set. */
async function throughput(texts, judgeAll) {
  await judgeAll(texts);
  const t0 = performance.now();
  for (let i = 0; i < THROUGHPUT_ROUNDS; i++) await judgeAll(texts);
  return (texts.length * THROUGHPUT_ROUNDS) / ((performance.now() - t0) / 1000);
}

export async function benchSentiment() {
  const set = readFileSync(join(root, "bench/sentiment-set.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
  const texts = set.map((m) => m.text);
  const gold = set.map((m) => m.label);
  const counts = LABELS.map((l) => `${gold.filter((g) => g === l).length} ${l}`).join(", ");
  const product = await productModels();
  const models = [product.vaderModel, afinnModel(product.labelOf)];
  const chat = chatCompletion();
  if (chat) models.push(product.llmSentimentModel(chat.complete, chat.model));

  console.log(`\nSentiment: ${set.length} labelled messages (${counts})`);
  for (const model of models) {
    const predicted = [];
    // The chat model judges in batches of 20, as a conversation's messages would arrive.
    for (let i = 0; i < texts.length; i += 20) predicted.push(...(await model.judge(texts.slice(i, i + 20))).map((s) => s.label));
    printScore(model.name === "vader" ? "vader (embedded default)" : model.name, scoreOf(gold, predicted));
  }
  if (!chat) console.log("\n  chat classifier: skipped (set OPENAI_API_KEY or OPENAI_BASE_URL to include it)");

  const baseline = await throughput(texts, async (all) => all.map((t) => t.toLowerCase().split(/[^a-z0-9']+/).filter(Boolean)));
  console.log(`\n  throughput (messages per second, ${THROUGHPUT_ROUNDS} passes over the set)`);
  console.log(`    tokenizing only (baseline)       ${Math.round(baseline).toLocaleString("en-US").padStart(12)}`);
  for (const model of models.slice(0, 2)) {
    const rate = await throughput(texts, (all) => model.judge(all));
    console.log(`    ${model.name.padEnd(32)} ${Math.round(rate).toLocaleString("en-US").padStart(12)}   ${(baseline / rate).toFixed(1)}x the baseline's time per message`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await benchSentiment();
