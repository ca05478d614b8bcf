// `npm run bench`: starts the bench Worker (the app plus a bare baseline room)
// on fresh local state and runs every benchmark against it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { buildWeb, migrate, root, startDevServer } from "../scripts/dev-server.mjs";
import { benchApi } from "./api.mjs";
import { benchBoardMemory } from "./board-memory.mjs";
import { benchBrowser } from "./browser.mjs";
import { benchEditors } from "./editors.mjs";
import { benchRest } from "./rest.mjs";
import { loadScaleData, scaleData } from "./scale-data.mjs";
import { benchRoomSync } from "./room-sync.mjs";

if (!existsSync(join(root, "web", "build", "index.html"))) buildWeb();
const persistTo = mkdtempSync(join(tmpdir(), "neuracrm-bench-"));
const config = "bench/wrangler.toml";
migrate(persistTo, config);
const server = await startDevServer({
  port: Number(process.env.BENCH_PORT ?? 8791),
  inspectorPort: 9232,
  persistTo,
  config,
  quiet: true,
  extraArgs: [
    "--var", `JWT_SECRET:${randomBytes(32).toString("hex")}`,
    "--var", `ENCRYPTION_KEY:${randomBytes(32).toString("base64")}`,
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
  await benchApi(ctx);
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
  await benchRoomSync(ctx);
  await benchEditors(ctx);
  await benchBoardMemory({ url: server.url });
  await benchBrowser({ url: server.url });
} finally {
  server.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
