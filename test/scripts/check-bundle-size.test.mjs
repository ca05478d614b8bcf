// The size gate of `npm test` must fail the run when the bundle is too big.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";

const script = join(import.meta.dirname, "..", "..", "scripts", "check-bundle-size.mjs");

test("a Worker bundle over the limit fails the check and says by how much", { timeout: 120_000 }, () => {
  const run = spawnSync(process.execPath, [script, "--max-gzip-bytes", "1024"], { encoding: "utf8" });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /Worker bundle: index\.js: [\d.]+ KiB, [\d.]+ KiB gzipped \(limit 1\.0 KiB gzipped\)/);
  assert.match(run.stderr, /over the limit by [\d.]+ KiB/);
});
