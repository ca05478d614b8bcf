import { expect, test, type APIRequestContext } from '@playwright/test';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

/**
 * A new user builds an invoice from a demo deal's line items on the deal
 * page, finalizes it and sees its number and status; a quote sent to a
 * customer is accepted on the public document page, which drafts its invoice.
 */

async function call(request: APIRequestContext, token: string, method: 'post' | 'put', path: string, data: unknown) {
	const res = await request[method](path, { data, headers: { authorization: `Bearer ${token}` } });
	expect(res.ok(), await res.text()).toBe(true);
	return ((await res.json()) as { data: any }).data;
}

test('an invoice from a deal’s lines is finalized with its number, and a quote is accepted on the customer’s page', async ({ browser, request }) => {
	test.setTimeout(240_000);
	const auth = (await registerViaApi(request, newPerson('Ines', 'Invoice'), `Finance ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const token = auth.accessToken;
	const company = await call(request, token, 'post', '/api/companies', { name: 'Northwind Traders' });
	const deal = await call(request, token, 'post', '/api/deals', { title: 'Northwind — annual plan', currency: 'USD', companyId: company.id });
	await call(request, token, 'put', `/api/financial/deals/${deal.id}/lines`, {
		lines: [
			{ description: 'Platform licence (12 months)', quantity: 10, unitPrice: 12_000, taxRateBps: 2000 },
			{ description: 'Onboarding workshop', quantity: 1, unitPrice: 150_000, discountBps: 1000 }
		]
	});

	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);

	await test.step('the deal page drafts an invoice from its line items', async () => {
		await page.goto(`/deals/${deal.id}`);
		const card = page.getByTestId('deal-invoices');
		await card.getByTestId('deal-create-invoice').click();
		await expect(page).toHaveURL(/\/finance\/invoices\/[^/]+$/);
		await expect(page.getByTestId('invoice-number')).toHaveText('Draft invoice');
		await expect(page.getByTestId('invoice-status')).toHaveText('Draft');
		await expect(page.getByLabel('Line 1 description')).toHaveValue('Platform licence (12 months)');
		await expect(page.getByLabel('Line 2 description')).toHaveValue('Onboarding workshop');
		// 10 × $120 taxed 20% = $1,440; $1,500 less 10% = $1,350: $2,790.00 in all.
		await expect(page.getByTestId('invoice-total')).toHaveText('$2,790.00');
		await screenshot(page, 'finance-invoice-draft');
	});

	await test.step('finalizing gives the first number of the year and opens it', async () => {
		await page.getByTestId('invoice-finalize').click();
		await expect(page.getByTestId('invoice-number')).toHaveText(/^INV-\d{4}-0001$/);
		await expect(page.getByTestId('invoice-status')).toHaveText('Open');
		await expect(page.getByTestId('invoice-lines')).toContainText('Onboarding workshop');
		await expect(page.getByTestId('invoice-pdf-download')).toBeVisible();
		await screenshot(page, 'finance-invoice-open');
	});

	await test.step('the invoice list shows it, with its total per currency', async () => {
		await page.getByRole('link', { name: 'Finance', exact: true }).first().click();
		await expect(page).toHaveURL(/\/finance\/invoices$/);
		const row = page.getByTestId('invoice-table').locator('tbody tr').first();
		await expect(row).toContainText('Northwind Traders');
		await expect(row.getByTestId('invoice-status')).toHaveText('Open');
		await expect(page.getByTestId('invoice-totals')).toContainText('$2,790.00');
		await page.getByTestId('status-chip-overdue').click();
		await expect(page.getByText('No invoices match.')).toBeVisible();
		await page.getByTestId('status-chip-open').click();
		await expect(page.getByTestId('invoice-table')).toContainText('Northwind Traders');
		await screenshot(page, 'finance-invoice-list');
	});

	await test.step('a customer accepts a quote on its public page', async () => {
		const quote = await call(request, token, 'post', '/api/financial/invoices', { kind: 'quote', fromDealId: deal.id });
		await call(request, token, 'post', `/api/financial/invoices/${quote.id}/finalize`, {});
		const link = await call(request, token, 'post', `/api/financial/invoices/${quote.id}/link`, {});
		const customer = await browser.newContext();
		const publicPage = await customer.newPage();
		const publicErrors = watchPageErrors(publicPage);
		await publicPage.goto(new URL(link.url).pathname);
		await expect(publicPage.getByTestId('public-number')).toHaveText(/^Q-\d{4}-0001$/);
		await expect(publicPage.getByTestId('public-total')).toHaveText('$2,790.00');
		await expect(publicPage.getByTestId('invoice-status')).toHaveText('Sent');
		await screenshot(publicPage, 'finance-quote-public');
		await publicPage.getByLabel('Your name').fill('Nancy Davolio');
		await publicPage.getByTestId('public-accept').click();
		await expect(publicPage.getByTestId('public-message')).toContainText('accepted');
		await expect(publicPage.getByTestId('invoice-status')).toHaveText('Accepted');
		await screenshot(publicPage, 'finance-quote-accepted');
		expect(publicErrors).toEqual([]);
		await customer.close();

		await page.goto(`/deals/${deal.id}`);
		const card = page.getByTestId('deal-invoices');
		await expect(card).toContainText(/Q-\d{4}-0001/);
		await expect(card).toContainText('Accepted');
		await expect(card).toContainText('Draft invoice');
	});

	expect(errors).toEqual([]);
	await context.close();
});
