// The tests' fake OpenAI-compatible server (test/fakes/openai-fake.ts) for the
// benchmarks, which run on plain Node: esbuild (wrangler's own) turns the
// TypeScript into one module first, so the bench and the tests share one fake.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { root } from "../scripts/dev-server.mjs";

/** `firstTokenMs` as in the fake: a hosted model's time to its first token. */
export async function startBenchOpenAiFake({ firstTokenMs = 0 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "neuracrm-openai-fake-"));
  try {
    const outfile = join(dir, "openai-fake.mjs");
    await build({ entryPoints: [join(root, "test", "fakes", "openai-fake.ts")], bundle: true, platform: "node", format: "esm", outfile, logLevel: "error" });
    const { startOpenAiFake } = await import(pathToFileURL(outfile).href);
    return await startOpenAiFake({ firstTokenMs });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
