import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";

// TEST_MIGRATIONS is a test-only binding set in vitest.config.ts.
const { TEST_MIGRATIONS } = env as unknown as { TEST_MIGRATIONS: D1Migration[] };

// Setup files may run more than once; applyD1Migrations skips applied ones.
await applyD1Migrations(env.DB, TEST_MIGRATIONS);
