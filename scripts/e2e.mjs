// `npm run test:e2e`: build the web app, start a Worker on fresh local state,
// run the Playwright browser tests against it, and always stop the server.
// Extra arguments go to Playwright (e.g. `npm run test:e2e -- -g invite`).
// E2E_SKIP_BUILD=1 reuses web/build; E2E_VERBOSE=1 shows wrangler's output.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWeb, ensureDevVars, migrate, root, startDevServer } from "./dev-server.mjs";
import { exitOnSignals } from "./process-groups.mjs";

const PORT = Number(process.env.E2E_PORT ?? 8790);
const INSPECTOR_PORT = Number(process.env.E2E_INSPECTOR_PORT ?? 9231);

let playwright;
// Interrupted at any step, the server stops (process-groups.mjs) and Playwright hears of it.
exitOnSignals((signal) => playwright?.kill(signal));

function runPlaywright(baseUrl, args) {
  return new Promise((resolve) => {
    playwright = spawn(join(root, "node_modules", ".bin", "playwright"), ["test", ...args], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, BASE_URL: baseUrl, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
    });
    playwright.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let server;
let status = 1;
const persistTo = mkdtempSync(join(tmpdir(), "neuracrm-e2e-"));
process.on("exit", () => rmSync(persistTo, { recursive: true, force: true }));
// The server's own log explains most browser-test failures, so a failing run prints its
// error lines (kept short: the runner's own failure summary must stay readable above it).
const serverLog = join(root, "test-results", `wrangler-dev-${PORT}.log`);
const SERVER_ERROR_LINES = 60;
// A reload means a source file changed mid-run, which restarts every room and drops sockets.
const SERVER_ERROR = /error|exception|uncaught| 5\d\d |"status":5\d\d|Reloading local server/i;
const SERVER_NOISE = /WebSocket peer disconnected|Request\.cf|ENOTFOUND/;
mkdirSync(join(root, "test-results"), { recursive: true });
rmSync(serverLog, { force: true });
try {
  ensureDevVars();
  if (!process.env.E2E_SKIP_BUILD) {
    console.log("Building the web app…");
    buildWeb();
  }
  console.log("Applying migrations to a fresh database…");
  migrate(persistTo);
  console.log(`Starting the Worker on port ${PORT}…`);
  server = await startDevServer({
    port: PORT,
    persistTo,
    inspectorPort: INSPECTOR_PORT,
    logFile: process.env.E2E_VERBOSE ? undefined : serverLog,
  });
  status = await runPlaywright(server.url, process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  status = 1;
} finally {
  server?.stop();
  if (status !== 0 && existsSync(serverLog)) {
    const errors = readFileSync(serverLog, "utf8")
      .split("\n")
      .filter((line) => SERVER_ERROR.test(line) && !SERVER_NOISE.test(line));
    console.error(`\nServer errors during the run (last ${SERVER_ERROR_LINES}; full log: ${serverLog}):`);
    console.error(errors.slice(-SERVER_ERROR_LINES).join("\n") || "(none)");
  }
}
process.exit(status);
