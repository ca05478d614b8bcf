import { expect, test, type APIRequestContext } from '@playwright/test';
import { card, signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

/**
 * A new user builds a catalog product, adds it and a custom line to a demo
 * deal on the deal page, sees the totals, and watches the deal's amount
 * follow the lines, on the deal page and live on an open pipeline board.
 */

async function call(request: APIRequestContext, token: string, method: 'post' | 'put', path: string, data: unknown) {
	const res = await request[method](path, { data, headers: { authorization: `Bearer ${token}` } });
	expect(res.ok(), await res.text()).toBe(true);
	return ((await res.json()) as { data: any }).data;
}

test('a catalog product and a custom line priced on a deal make its amount follow, live on the board', async ({ browser, request }) => {
	test.setTimeout(180_000);
	const auth = (await registerViaApi(request, newPerson('Cata', 'Log'), `Catalog ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const deal = await call(request, auth.accessToken, 'post', '/api/deals', { title: 'Contoso — platform rollout', currency: 'USD', amount: 1000 });

	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);

	await test.step('the products page creates a product with its price in dollars', async () => {
		await page.goto('/finance/products');
		await expect(page.getByText('No products yet.')).toBeVisible();
		await page.getByTestId('new-product').click();
		const form = page.getByTestId('product-form');
		await form.getByLabel('Name').fill('Platform licence');
		await form.getByLabel('SKU').fill('PLAT-12');
		await form.getByLabel('Unit price (USD)').fill('1,200.00');
		await form.getByLabel('Tax rate (%)').fill('20');
		await form.getByLabel('Recurring, billed per period').check();
		await screenshot(page, 'finance-catalog-product-dialog');
		await page.getByTestId('product-save').click();
		const row = page.getByTestId('product-row').filter({ hasText: 'Platform licence' });
		await expect(row).toContainText('$1,200.00');
		await expect(row).toContainText('20%');
		await expect(row).toContainText('Every year');
		await expect(row).toContainText('PLAT-12');
		await screenshot(page, 'finance-catalog-products');
	});

	const board = await context.newPage();
	const boardErrors = watchPageErrors(board);
	await board.goto('/pipeline');
	await expect(card(board, 'Contoso — platform rollout')).toContainText('$1,000');

	await test.step('the deal page adds the product and a custom line, with totals', async () => {
		await page.goto(`/deals/${deal.id}`);
		const lines = page.getByTestId('deal-lines');
		await expect(lines).toContainText('No line items yet');
		await lines.getByTestId('add-catalog-line').click();
		await page.getByTestId('product-picker-search').fill('plat');
		await page.getByTestId('product-option').filter({ hasText: 'Platform licence' }).click();
		await expect(lines.getByLabel('Line 1 description')).toHaveValue('Platform licence');
		await expect(lines.getByLabel('Line 1 unit price')).toHaveValue('1200.00');
		await expect(lines.getByLabel('Line 1 period start')).not.toHaveValue('');
		await lines.getByLabel('Line 1 quantity').fill('3');

		await lines.getByTestId('add-custom-line').click();
		await lines.getByLabel('Line 2 description').fill('Onboarding workshop');
		await lines.getByLabel('Line 2 unit price').fill('1500');
		await lines.getByLabel('Line 2 discount percent').fill('10');

		// 3 × $1,200 = $3,600 taxed 20% ($720); $1,500 less 10% = $1,350 untaxed.
		await expect(lines.getByTestId('deal-lines-subtotal')).toHaveText('$4,950.00');
		await expect(lines.getByTestId('deal-lines-tax')).toHaveText('$720.00');
		await expect(lines.getByTestId('deal-lines-total')).toHaveText('$5,670.00');
		await expect(lines.getByTestId('amount-follows-lines')).toBeChecked();
		await screenshot(page, 'finance-catalog-deal-lines-editing');
		await lines.getByTestId('save-deal-lines').click();
		await expect(lines.getByTestId('save-deal-lines')).toBeHidden();
		await expect(page.getByTestId('deal-amount-input')).toHaveValue('$4,950');
		await screenshot(page, 'finance-catalog-deal-lines-saved');
	});

	await test.step('the open board shows the new amount live', async () => {
		await expect(card(board, 'Contoso — platform rollout')).toContainText('$4,950');
	});

	await test.step('the lines survive a reload, and turning "follows" off leaves the amount alone', async () => {
		await page.reload();
		const lines = page.getByTestId('deal-lines');
		await expect(lines.getByTestId('deal-line')).toHaveCount(2);
		await expect(lines.getByTestId('deal-lines-total')).toHaveText('$5,670.00');
		await lines.getByTestId('amount-follows-lines').uncheck();
		await lines.getByLabel('Remove line 2').click();
		await expect(lines.getByTestId('deal-lines-subtotal')).toHaveText('$3,600.00');
		await lines.getByTestId('save-deal-lines').click();
		await expect(lines.getByTestId('save-deal-lines')).toBeHidden();
		await page.reload();
		await expect(page.getByTestId('deal-lines').getByTestId('deal-line')).toHaveCount(1);
		await expect(page.getByTestId('deal-amount-input')).toHaveValue('$4,950');
	});

	await test.step('billing settings preview the next invoice number as the format is typed', async () => {
		await page.goto('/settings/billing');
		await page.getByLabel('Legal name').fill('Catalog Corp Ltd');
		await page.getByLabel('Invoice prefix').fill('CC-');
		await page.getByLabel('Number format').fill('{prefix}{seq:5}');
		await expect(page.getByTestId('next-invoice-number')).toHaveText('CC-00001');
		await page.getByTestId('billing-settings-save').click();
		await expect(page.getByText('Billing settings saved')).toBeVisible();
		const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAADAAAAAQCAIAAADfzGvmAAAALUlEQVR4nGPwd3uKFf3HAWitnmHUQaMOGnXQiHPQQFmMS/2og0YdNOqgEecgAMNHstuyD6L7AAAAAElFTkSuQmCC', 'base64');
		await page.getByTestId('billing-logo-input').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: png });
		await expect(page.getByTestId('billing-logo-preview')).toBeVisible();
		await expect.poll(() => page.getByTestId('billing-logo-preview').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(48);
		await screenshot(page, 'finance-catalog-billing-settings');
	});

	expect(errors).toEqual([]);
	expect(boardErrors).toEqual([]);
	await context.close();
});
