import { defineConfig, devices } from '@playwright/test';

/**
 * Browser tests for the web app against a real `wrangler dev` Worker.
 * `npm run test:e2e` (scripts/e2e.mjs) builds the app, starts a fresh server
 * and sets BASE_URL; to reuse a running server: BASE_URL=http://127.0.0.1:8787 npx playwright test
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
	testDir: 'test/e2e',
	outputDir: 'test-results/artifacts',
	fullyParallel: false,
	workers: 1,
	forbidOnly: !!process.env.CI,
	// One retry on CI only: shared, noisy machines; a retried test is still reported as flaky.
	retries: process.env.CI ? 1 : 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list']],
	use: {
		...devices['Desktop Chrome'],
		baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:8790',
		viewport: { width: 1366, height: 860 },
		// wrangler dev's proxy drops idle keep-alive sockets after 5 s; a test's API call reusing one
		// just then fails with ECONNRESET. A fresh connection per request avoids the race.
		extraHTTPHeaders: { connection: 'close' },
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: {
			executablePath: CHROMIUM,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-quic',
				'--no-first-run',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	}
});
