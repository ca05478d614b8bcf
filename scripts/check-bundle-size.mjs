// `npm run check:bundle`: bundles the Worker exactly as `wrangler deploy`
// would (`--dry-run`: no login, no network) and fails when the upload,
// gzipped, outgrows Cloudflare's Worker size limit. The gate is the Free
// plan's 3 MiB so that the project deploys on any plan (Paid allows 10 MiB).
// The static assets (web/build) are uploaded separately and do not count,
// but wrangler reads them, so run `npm run build` first.
// `--max-gzip-bytes N` sets another limit.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { root } from "./dev-server.mjs";

const FREE_PLAN_LIMIT = 3 * 1024 * 1024;
const flag = process.argv.indexOf("--max-gzip-bytes");
const limit = flag === -1 ? FREE_PLAN_LIMIT : Number(process.argv[flag + 1]);
if (!Number.isFinite(limit) || limit <= 0) throw new Error("--max-gzip-bytes needs a positive number");

if (!existsSync(join(root, "web", "build"))) {
  console.error("web/build is missing: run `npm run build` first (wrangler reads the assets directory).");
  process.exit(1);
}

const outdir = mkdtempSync(join(tmpdir(), "neuracrm-bundle-"));
try {
  const dryRun = spawnSync(join(root, "node_modules", ".bin", "wrangler"), ["deploy", "--dry-run", "--outdir", outdir], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (dryRun.status !== 0) {
    console.error(dryRun.stdout, dryRun.stderr);
    throw new Error(`wrangler deploy --dry-run exited with ${dryRun.status}`);
  }
  // The uploaded modules; source maps and wrangler's README stay on this machine.
  const modules = readdirSync(outdir).filter((name) => !name.endsWith(".map") && name !== "README.md");
  let raw = 0;
  let gzipped = 0;
  for (const name of modules) {
    const bytes = readFileSync(join(outdir, name));
    raw += bytes.length;
    gzipped += gzipSync(bytes).length;
  }
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`Worker bundle: ${modules.join(", ")}: ${kib(raw)}, ${kib(gzipped)} gzipped (limit ${kib(limit)} gzipped)`);
  if (gzipped > limit) {
    console.error(`The Worker bundle is over the limit by ${kib(gzipped - limit)}: Cloudflare would refuse the deploy.`);
    process.exitCode = 1;
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
