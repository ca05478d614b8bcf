import { expect, test } from '@playwright/test';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

test('a member turns a notification category off, sets the digest, and creates, uses and revokes an API key', async ({ browser, request }) => {
	const owner = (await registerViaApi(request, newPerson('Nora', 'Notify'), `Notify ${Date.now().toString(36)}`)) as AuthTokens;
	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);

	await page.goto('/settings');
	await page.getByTestId('notification-settings-link').click();
	await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
	await expect(page.getByTestId('email-not-configured')).toContainText('Email is not configured');
	const billing = page.getByTestId('toggle-billing-inApp');
	await expect(billing).toHaveAttribute('aria-checked', 'true');
	await billing.click();
	await expect(billing).toHaveAttribute('aria-checked', 'false');
	await page.getByTestId('digest-toggle').click();
	await expect(page.getByTestId('digest-toggle')).toHaveAttribute('aria-checked', 'true');
	await page.getByTestId('digest-hour').selectOption('7');
	await page.getByTestId('digest-zone').selectOption('Asia/Tokyo');
	await expect(page.getByTestId('digest-zone')).toHaveValue('Asia/Tokyo');
	await screenshot(page, 'notification-settings');

	const saved = await request.get('/api/notifications/preferences', { headers: { authorization: `Bearer ${owner.accessToken}` } });
	const prefs = (await saved.json()).data;
	expect(prefs.digest).toEqual({ enabled: true, hour: 7, timeZone: 'Asia/Tokyo' });
	expect(prefs.categories.find((c: { category: string }) => c.category === 'billing').inApp).toBe(false);

	await page.goto('/settings/api-keys');
	await page.getByTestId('api-key-new').click();
	await page.getByLabel('Name').fill('Nightly export');
	await page.getByTestId('api-key-all-scopes').uncheck();
	await page.getByRole('button', { name: 'Create key' }).click();
	const token = (await page.getByTestId('api-key-token').textContent())!.trim();
	expect(token).toMatch(/^nc_/);
	await screenshot(page, 'api-key-created', { fullPage: false });
	await page.getByRole('button', { name: 'Done' }).click();
	await expect(page.getByTestId('api-key-row')).toContainText('Nightly export');

	const asKey = (path: string) => request.get(path, { headers: { authorization: `Bearer ${token}` } });
	expect((await asKey('/api/contacts')).status()).toBe(200);
	await page.getByRole('button', { name: 'Revoke Nightly export' }).click();
	await page.getByTestId('api-key-revoke-confirm').click();
	await expect(page.getByTestId('api-key-row')).toContainText('Revoked');
	await screenshot(page, 'api-keys-list');
	expect((await asKey('/api/contacts')).status()).toBe(401);
	expect(errors).toEqual([]);
	await context.close();
});
