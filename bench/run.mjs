// `npm run bench`: starts the bench Worker (the app plus a bare baseline room)
// on fresh local state and runs every benchmark against it.
// `npm run bench -- editors room-sync` runs only the named ones.
// BENCH_PORT / BENCH_INSPECTOR_PORT move the server off 8791 / 9232;
// BENCH_LOG=<file> keeps the Worker's output there.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { buildWeb, migrate, root, run, startDevServer } from "../scripts/dev-server.mjs";
import { benchAi } from "./ai.mjs";
import { benchApi } from "./api.mjs";
import { startBenchOpenAiFake } from "./openai-fake-loader.mjs";
import { benchBoardMemory } from "./board-memory.mjs";
import { benchBrowser } from "./browser.mjs";
import { benchEditors } from "./editors.mjs";
import { benchForecast } from "./forecast.mjs";
import { benchRest } from "./rest.mjs";
import { loadScaleData, scaleData } from "./scale-data.mjs";
import { benchRoomSync } from "./room-sync.mjs";
import { benchSentiment } from "./sentiment.mjs";
import { benchScoring } from "./scoring.mjs";
import { benchInvoicePdf } from "./invoice-pdf.mjs";
import { benchStripeWebhooks } from "./stripe-webhooks.mjs";
import { benchSegments } from "./segments.mjs";
import { benchWebhooksThroughput } from "./webhooks-throughput.mjs";

const ALL = ["api", "rest", "room-sync", "editors", "board-memory", "browser", "ai", "forecast", "sentiment", "scoring", "invoice-pdf", "stripe-webhooks", "segments", "webhooks"];
const only = process.argv.slice(2);
const unknown = only.filter((name) => !ALL.includes(name));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(", ")}; choose from ${ALL.join(", ")}`);
  process.exit(2);
}
const wanted = (name) => only.length === 0 || only.includes(name);

if (!existsSync(join(root, "web", "build", "index.html"))) buildWeb();
const persistTo = mkdtempSync(join(tmpdir(), "neuracrm-bench-"));
const frozen = mkdtempSync(join(tmpdir(), "neuracrm-bench-worker-"));
let server;
let openAiFake;
let cleanedUp = false;
function cleanUp() {
  if (cleanedUp) return;
  cleanedUp = true;
  server?.stop();
  void openAiFake?.close();
  rmSync(persistTo, { recursive: true, force: true });
  rmSync(frozen, { recursive: true, force: true });
}
// `wrangler dev` runs in its own process group, so Ctrl+C does not reach it: stop it here.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the bench server`);
    cleanUp();
    process.exit(130);
  });
}
process.once("exit", cleanUp);

/**
 * The bench Worker, bundled once with its assets into `dir`, and a config that
 * runs that bundle as is (`no_bundle`). `wrangler dev` rebuilds and restarts
 * the Worker whenever a source file changes, which on a shared working tree
 * would drop every room and socket in the middle of a run.
 */
function freezeWorker(dir) {
  run(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", dir, "-c", "bench/wrangler.toml"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  cpSync(join(root, "web", "build"), join(dir, "assets"), { recursive: true });
  const toml = readFileSync(join(root, "bench", "wrangler.toml"), "utf8")
    .replace(/^main = .*$/m, 'main = "worker.js"\nno_bundle = true')
    .replace(/^directory = .*$/m, 'directory = "assets"')
    .replace(/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(join(root, "migrations"))}`);
  writeFileSync(join(dir, "wrangler.toml"), toml);
  return join(dir, "wrangler.toml");
}

const config = freezeWorker(frozen);
// The assistant's benchmark reaches this fake as the operator's OpenAI-compatible server,
// answering after a hosted model's typical time to first token (a few hundred ms).
const MODEL_FIRST_TOKEN_MS = 250;
openAiFake = await startBenchOpenAiFake({ firstTokenMs: MODEL_FIRST_TOKEN_MS });
const FAKE_KEY = "sk-bench-assistant";
migrate(persistTo, config);
const inspectorPort = Number(process.env.BENCH_INSPECTOR_PORT ?? 9232);
server = await startDevServer({
  port: Number(process.env.BENCH_PORT ?? 8791),
  inspectorPort,
  persistTo,
  config,
  quiet: true,
  logFile: process.env.BENCH_LOG,
  extraArgs: [
    "--var", `JWT_SECRET:${randomBytes(32).toString("hex")}`,
    "--var", `ENCRYPTION_KEY:${randomBytes(32).toString("base64")}`,
    "--var", `OPENAI_BASE_URL:${openAiFake.url}/v1`,
    "--var", `OPENAI_API_KEY:${FAKE_KEY}`,
    // Sequential benchmark requests from one user; the per-minute limit is tested on its own.
    "--var", "AI_REQUESTS_PER_MINUTE:100000",
    // The webhooks benchmark delivers to a receiver on 127.0.0.1.
    "--var", "OUTBOUND_ALLOW_LOOPBACK:true",
  ],
});

try {
  const email = `bench-${Date.now()}@example.com`;
  const password = "bench-password-2026";
  const reg = await fetch(`${server.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Bench", email, password, organizationName: "Bench Org" }),
  }).then((r) => r.json());
  const ctx = { url: server.url, token: reg.data.accessToken, orgId: reg.data.organization.id, email, password };
  const running = { server, inspectorPort, bundleMap: join(frozen, "worker.js.map") };
  if (wanted("api")) await benchApi(ctx);
  if (wanted("rest")) {
    const scaleLogin = { email: "scale@example.com", password: "scale-password-2026" };
    const scale = scaleData(scaleLogin);
    console.log("\nLoading 100,000 contacts and 20,000 deals…");
    await loadScaleData(server.url, scale.sql);
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": "198.18.1.1" },
      body: JSON.stringify(scaleLogin),
    }).then((r) => r.json());
    await benchRest({ url: server.url, token: login.data.accessToken, ...scale });
  }
  if (wanted("room-sync")) await benchRoomSync(ctx);
  if (wanted("editors")) await benchEditors({ ...ctx, ...running });
  if (wanted("board-memory")) await benchBoardMemory({ url: server.url });
  if (wanted("browser")) await benchBrowser({ url: server.url });
  if (wanted("sentiment")) await benchSentiment();
  if (wanted("scoring")) await benchScoring();
  if (wanted("invoice-pdf")) await benchInvoicePdf();
  if (wanted("stripe-webhooks")) await benchStripeWebhooks(ctx);
  if (wanted("segments")) await benchSegments(ctx);
  if (wanted("webhooks")) await benchWebhooksThroughput(ctx);
  if (wanted("ai")) await benchAi({ ...ctx, fakeUrl: openAiFake.url, fakeKey: FAKE_KEY, modelFirstTokenMs: MODEL_FIRST_TOKEN_MS });
  if (wanted("forecast")) await benchForecast({ url: server.url });
} finally {
  cleanUp();
}
