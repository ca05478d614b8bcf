// `npm start`: build the web app, apply migrations, serve, seed the demo
// organization, and print where to go. State lives in .data/ (git-ignored).
import { buildWeb, ensureDevVars, migrate, startDevServer } from "./dev-server.mjs";
import { exitOnSignals } from "./process-groups.mjs";
import { DEMO, seedDemo } from "./seed-demo.mjs";

// Before the server starts: Ctrl+C while seeding must stop it too.
exitOnSignals();

const port = Number(process.env.PORT ?? 8787);
const persistTo = ".data";

const added = ensureDevVars();
if (added.length) console.log(`Generated ${added.join(", ")} into .dev.vars`);
console.log("Building the web app…");
buildWeb();
console.log("Applying D1 migrations…");
migrate(persistTo);
console.log("Starting the Worker…");
// `wrangler dev` never fires the cron trigger by itself; `--test-scheduled` opens
// /__scheduled, which this process calls at the top of every minute, as Cloudflare's
// cron would: workflow schedules, digests, segment refreshes and the rest tick locally.
const server = await startDevServer({ port, persistTo, inspectorPort: Number(process.env.INSPECTOR_PORT ?? 9229), extraArgs: ["--test-scheduled"] });
const { created } = await seedDemo(server.url);
tickEveryMinute(server.url);

console.log(`
  NeuraCRM is running at ${server.url}
  Demo login: ${DEMO.email} / ${DEMO.password}${created ? "  (demo organization created)" : ""}
  API docs:   ${server.url}/api/docs
  Press Ctrl+C to stop.
`);

server.child.on("exit", (code) => process.exit(code ?? 0));

function tickEveryMinute(url) {
  const tick = () => {
    fetch(`${url}/__scheduled?cron=${encodeURIComponent("* * * * *")}`).catch((err) => console.error(`scheduled tick failed: ${err.message}`));
    setTimeout(tick, 60_000 - (Date.now() % 60_000));
  };
  setTimeout(tick, 60_000 - (Date.now() % 60_000));
}
