// Shared by `npm start`, the browser tests and the benchmarks: one way to
// prepare local state and run `wrangler dev` against it.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnGroup } from "./process-groups.mjs";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = join(root, "node_modules", ".bin", "wrangler");

/** Secrets that must exist in `.dev.vars`; missing ones are generated, never hard-coded. */
const GENERATED_SECRETS = {
  JWT_SECRET: () => randomBytes(48).toString("base64url"),
  ENCRYPTION_KEY: () => randomBytes(32).toString("base64"),
};

/**
 * Local-only settings with one fixed value. The demo and the browser tests talk
 * to fake vendor servers on 127.0.0.1, which the outbound-fetch guard refuses
 * unless told otherwise; production never sets this.
 */
const LOCAL_SETTINGS = {
  OUTBOUND_ALLOW_LOOPBACK: "true",
};

export function ensureDevVars() {
  const file = join(root, ".dev.vars");
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  const present = new Set(
    current.split("\n").map((line) => line.split("=")[0].trim()).filter(Boolean),
  );
  const missing = [
    ...Object.entries(GENERATED_SECRETS).map(([name, make]) => [name, make]),
    ...Object.entries(LOCAL_SETTINGS).map(([name, value]) => [name, () => value]),
  ].filter(([name]) => !present.has(name));
  if (missing.length === 0) return [];
  const lines = missing.map(([name, make]) => `${name}=${make()}\n`).join("");
  appendFileSync(file, `${current && !current.endsWith("\n") ? "\n" : ""}${lines}`);
  return missing.map(([name]) => name);
}

export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${res.status}`);
}

export function buildWeb() {
  run("npm", ["run", "--silent", "build"]);
}

export function migrate(persistTo, config = "wrangler.toml") {
  run(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo, "-c", config], {
    env: { ...process.env, CI: "true" },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

export async function waitForHealth(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} did not become healthy`);
}

/**
 * Starts `wrangler dev` on 127.0.0.1:<port> with state in `persistTo`.
 * Resolves once /api/health answers; `stop()` kills the process group, and
 * so does this process's exit (see process-groups.mjs).
 */
export async function startDevServer({
  port, persistTo, inspectorPort = 9229, quiet = false, logFile, config = "wrangler.toml", extraArgs = [],
}) {
  const logFd = logFile ? openSync(logFile, "a") : undefined;
  const output = logFd ?? (quiet ? "ignore" : "inherit");
  const { child, stop } = spawnGroup(
    wrangler,
    [
      "dev", "--local", "-c", config, "--ip", "127.0.0.1", "--port", String(port),
      "--inspector-port", String(inspectorPort),
      "--persist-to", persistTo, "--show-interactive-dev-session=false", ...extraArgs,
    ],
    { cwd: root, stdio: [output === "inherit" ? "inherit" : "ignore", output, output], env: { ...process.env } },
  );
  if (logFd !== undefined) closeSync(logFd);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((_, reject) =>
    child.once("exit", (code) => reject(new Error(`wrangler dev exited with ${code}`))),
  );
  await Promise.race([waitForHealth(url), exited]);
  return { url, child, stop };
}
