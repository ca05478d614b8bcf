import { availableParallelism } from "node:os";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const root = path.join(import.meta.dirname, "..");

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(root, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: path.join(root, "wrangler.toml") },
        // Workers AI has no local simulation; its path is tested through a stand-in binding.
        remoteBindings: false,
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            JWT_SECRET: "test-only-secret-that-is-long-enough-for-hs256-0123456789",
            ENCRYPTION_KEY: "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=",
            // The fake vendor servers listen on 127.0.0.1; production leaves this unset.
            OUTBOUND_ALLOW_LOOPBACK: "true",
          },
          // A real local send_email binding under a test-only name, so outbound mail stays unconfigured unless a test opts in.
          email: { send_email: [{ name: "TEST_SEND_EMAIL", allowed_destination_addresses: ["jane.binding@example.com"] }] },
        },
      }),
    ],
    test: {
      root,
      include: ["test/worker/**/*.test.ts"],
      setupFiles: ["test/setup.ts"],
      // Vitest's default on 2 cores is one file at a time, but a file spends much of its
      // ~3.5 s runtime start-up waiting: two at once took the suite from 397 s to 248 s.
      maxWorkers: Math.max(2, availableParallelism() - 1),
      // Vitest's 5 s default failed tests that sign up a few members (password hashing) when the
      // machine was busy with other work; a slow run is not a failed one, and a hang still ends.
      testTimeout: 30_000,
      // Local fake vendor servers (127.0.0.1) speaking the vendors' wire formats.
      globalSetup: ["test/fakes/twilio-server.ts", "test/fakes/ari-server.ts", "test/fakes/email-api-server.ts", "test/fakes/outbound-probe-server.ts", "test/fakes/openai-server.ts", "test/fakes/stripe-server.ts", "test/fakes/webhook-receiver-server.ts"],
      // One JSON line per request is useful in production, noise in test output.
      onConsoleLog: (log: string) => !log.includes('"msg":"request"') && !log.includes('"level":"info"'),
    },
  };
});
