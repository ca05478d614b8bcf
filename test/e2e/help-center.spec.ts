import { expect, test, type Page } from '@playwright/test';
import { newPerson, registerViaApi, registerViaUi, screenshot, watchPageErrors } from './helpers';

const HOSTILE_BODY = [
	'Click **Forgot password** on the sign-in page, then follow the link in the email.',
	'<script>window.__pwned = 1</script>',
	'<img src="x" onerror="window.__pwned = 2">',
	'[Open the reset page](javascript:window.__pwned=3)',
	'<a href="#" onclick="window.__pwned = 4">Need more help?</a>'
].join('\n\n');

/** Records alert/confirm/prompt dialogs (and dismisses them) so a test can assert none opened. */
function watchDialogs(page: Page): string[] {
	const seen: string[] = [];
	page.on('dialog', async (dialog) => {
		seen.push(`${dialog.type()}: ${dialog.message()}`);
		await dialog.dismiss();
	});
	return seen;
}

async function expectNothingRan(page: Page, dialogs: string[]) {
	expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
	expect(dialogs).toEqual([]);
	const body = page.getByTestId('article-body');
	expect(await body.locator('script, [onerror], [onclick], a[href^="javascript:" i]').count()).toBe(0);
}

test('the public help center finds a published article and never runs its scripts', async ({ page, request }) => {
	const problems = watchPageErrors(page);
	const dialogs = watchDialogs(page);
	const owner = newPerson('Helen', 'Helpdesk');
	const auth = await registerViaApi(request, owner, 'Helpful Co');
	const headers = { authorization: `Bearer ${auth.accessToken}` };
	const org = await request.get('/api/organizations/current', { headers });
	const slug = ((await org.json()) as { data: { slug: string } }).data.slug;

	const category = await request.post('/api/support/knowledge-base/categories', { headers, data: { name: 'Account', description: 'Sign-in and passwords' } });
	const categoryId = ((await category.json()) as { data: { id: string } }).data.id;
	for (const data of [
		{ title: 'Reset your password', body: HOSTILE_BODY, categoryId, tags: ['login'], status: 'published' },
		{ title: 'Download invoices', body: 'Invoices live under **Billing**.', status: 'published' },
		{ title: 'Secret roadmap', body: 'Not for customers yet.' }
	]) {
		const res = await request.post('/api/support/knowledge-base/articles', { headers, data });
		expect(res.status(), await res.text()).toBe(201);
	}

	await page.goto(`/help/${slug}`);
	await expect(page.getByRole('heading', { name: 'How can we help?' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Account' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Reset your password' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Download invoices' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Secret roadmap' })).toHaveCount(0);
	await screenshot(page, 'help-center-home');

	await page.getByLabel('Search articles').fill('secret');
	await expect(page.getByTestId('help-search-results')).toContainText('No results');
	await page.getByLabel('Search articles').fill('forgot passw');
	const results = page.getByTestId('help-search-results');
	await expect(results.getByRole('link', { name: /Reset your password/ })).toBeVisible();
	await expect(results.locator('mark').first()).toBeVisible();
	await screenshot(page, 'help-center-search');

	await results.getByRole('link', { name: /Reset your password/ }).click();
	await expect(page).toHaveURL(new RegExp(`/help/${slug}/articles/reset-your-password$`));
	await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
	const body = page.getByTestId('article-body');
	await expect(body.locator('strong')).toHaveText('Forgot password');
	await expectNothingRan(page, dialogs);

	await body.getByText('Open the reset page').click();
	await body.getByText('Need more help?').click();
	await expectNothingRan(page, dialogs);
	await page.getByRole('button', { name: 'Yes' }).click();
	await expect(page.getByText('Thanks for letting us know.')).toBeVisible();
	await screenshot(page, 'help-center-article');

	await page.goto(`/help/${slug}/articles/secret-roadmap`);
	await expect(page.getByRole('heading', { name: 'Article not found' })).toBeVisible();

	await page.goto(`/help/${slug}/contact`);
	await page.getByLabel('Your name').fill('Carl Customer');
	await page.getByLabel('Email').fill('carl@example.com');
	await page.getByLabel('Subject').fill('I forgot my password');
	const suggestions = page.getByTestId('suggested-articles');
	await expect(suggestions.getByRole('link', { name: 'Reset your password' })).toBeVisible();
	await expect(suggestions).not.toContainText('Download invoices');
	await page.getByLabel('Message').fill('The reset email does not arrive, can you help?');
	await screenshot(page, 'help-center-contact');
	await page.getByRole('button', { name: 'Send request' }).click();
	await expect(page.getByTestId('ticket-sent')).toContainText('We received your request');

	const tickets = await request.get('/api/support/tickets', { headers });
	const list = ((await tickets.json()) as { data: { subject: string; channel: string }[] }).data;
	expect(list).toEqual([expect.objectContaining({ subject: 'I forgot my password', channel: 'web' })]);
	expect(problems).toEqual([]);
});

test('an editor writes an article with a sanitized live preview and publishes it', async ({ page }) => {
	const problems = watchPageErrors(page);
	const dialogs = watchDialogs(page);
	const owner = newPerson('Erin', 'Editor');
	await registerViaUi(page, owner, 'Editors Inc');

	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge base' }).click();
	await expect(page.getByRole('heading', { name: 'Knowledge base' })).toBeVisible();
	await page.getByRole('button', { name: 'Categories' }).click();
	await page.getByLabel('New category').fill('Data');
	await page.getByRole('button', { name: 'Add category' }).click();
	await expect(page.getByTestId('kb-categories')).toContainText('Data');
	await screenshot(page, 'kb-categories');
	await page.getByRole('button', { name: 'Done' }).click();
	await page.getByRole('link', { name: 'New article' }).click();
	await page.getByLabel('Title').fill('Export your contacts');
	await page.getByLabel('Body (Markdown)').fill('Use **Export CSV** on the list.\n\n<img src="x" onerror="window.__pwned = 5">\n\n<script>window.__pwned = 6</script>');
	const preview = page.getByTestId('kb-preview');
	await expect(preview.locator('strong')).toHaveText('Export CSV');
	expect(await preview.locator('script, [onerror]').count()).toBe(0);
	await page.getByLabel('Tags').fill('csv, export');
	await page.getByLabel('Category').selectOption({ label: 'Data' });
	await screenshot(page, 'kb-editor');
	await page.getByRole('button', { name: 'Save draft' }).click();
	await expect(page.getByTestId('article-status')).toHaveText('Draft');
	await page.getByRole('button', { name: 'Publish' }).click();
	await expect(page.getByTestId('article-status')).toHaveText('Published');

	await page.getByRole('link', { name: 'Knowledge base' }).first().click();
	await page.getByLabel('Search articles').fill('expo');
	await expect(page.getByTestId('kb-articles')).toContainText('Export your contacts');
	await expect(page.getByTestId('kb-articles')).toContainText('in Data');
	await screenshot(page, 'kb-list');
	expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
	expect(dialogs).toEqual([]);
	expect(problems).toEqual([]);
});
