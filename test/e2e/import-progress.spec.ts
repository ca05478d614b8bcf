import { expect, test } from '@playwright/test';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, watchPageErrors } from './helpers';

const ROWS = 20_000;

test('a large CSV shows live progress while it is checked and imported', async ({ browser, request }) => {
	const auth = (await registerViaApi(request, newPerson('Ivy', 'Import'), `Import Co ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/import');
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online');

	// The bar may come and go quickly; record every percentage it showed.
	await page.evaluate(() => {
		const seen: number[] = [];
		(window as unknown as { progressSeen: number[] }).progressSeen = seen;
		new MutationObserver(() => {
			const bar = document.querySelector('[data-testid="import-progress"] [role="progressbar"]');
			const now = Number(bar?.getAttribute('aria-valuenow'));
			if (bar && seen.at(-1) !== now) seen.push(now);
		}).observe(document.body, { subtree: true, childList: true, attributes: true });
	});

	const lines = ['First Name,Last Name,Email'];
	for (let i = 0; i < ROWS; i++) lines.push(`Person${i},Bulk,bulk${i}@example.com`);
	await page
		.getByTestId('import-file')
		.setInputFiles({ name: 'big.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
	await expect(page.getByTestId('count-will-create')).toHaveText(String(ROWS), { timeout: 60_000 });
	const dryRunSeen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen.splice(0));
	expect(dryRunSeen.length).toBeGreaterThan(0);

	await page.getByTestId('commit-import').click();
	await expect(page.getByTestId('import-done')).toBeVisible({ timeout: 60_000 });
	await expect(page.getByTestId('import-summary')).toContainText(`${ROWS} created`);
	const commitSeen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
	expect(commitSeen.length).toBeGreaterThan(0);
	expect(commitSeen).toEqual([...commitSeen].sort((a, b) => a - b));
	expect(errors).toEqual([]);
	await context.close();
});
