import { expect, test, type APIRequestContext } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

/**
 * A finance user opens Reports: a paid invoice is recognized revenue and cash
 * collected this month, an invoice 45 days past due sits in the 31–60 bucket
 * and drills down to itself, and the revenue CSV downloads with that month's row.
 */

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

async function call(request: APIRequestContext, token: string, path: string, data: unknown, status = 201) {
	const res = await request.post(path, { data, headers: { authorization: `Bearer ${token}` } });
	expect(res.status(), await res.text()).toBe(status);
	return ((await res.json()) as { data: { id: string; total: number; number: string } }).data;
}

test('reports show revenue, aging with drill-down, and download as CSV', async ({ browser, request }) => {
	test.setTimeout(180_000);
	const auth = (await registerViaApi(request, newPerson('Rhea', 'Reports'), `Reports ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const token = auth.accessToken;
	const company = await call(request, token, '/api/companies', { name: 'Umbrella Corp' });
	const paid = await call(request, token, '/api/financial/invoices', { companyId: company.id, currency: 'USD', lines: [{ description: 'Onboarding workshop', quantity: 1, unitPrice: 50_000 }] });
	const paidDoc = await call(request, token, `/api/financial/invoices/${paid.id}/finalize`, {}, 200);
	await call(request, token, '/api/financial/payments', { invoiceId: paid.id, amount: paidDoc.total, currency: 'USD', method: 'bank_transfer', receivedAt: Date.now() });
	const late = await call(request, token, '/api/financial/invoices', { companyId: company.id, currency: 'USD', dueDate: day(-45), lines: [{ description: 'Support retainer', quantity: 2, unitPrice: 12_500 }] });
	const lateDoc = await call(request, token, `/api/financial/invoices/${late.id}/finalize`, {}, 200);

	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/finance/reports');

	await test.step('revenue: recognized and collected this month, as a chart', async () => {
		const revenue = page.getByTestId('revenue-report');
		await expect(revenue.getByRole('term').filter({ hasText: 'Recognized' })).toBeVisible();
		await expect(revenue.getByText('$500.00').first()).toBeVisible();
		await expect(page.getByTestId('revenue-chart').locator('canvas')).toBeVisible();
	});

	await test.step('aging: the late invoice is in 31–60 days and drills down to itself', async () => {
		const aging = page.getByTestId('aging-report');
		await expect(page.getByTestId('aging-bucket-days31to60')).toContainText('$250.00');
		await page.getByTestId('aging-bucket-days31to60').click();
		const rows = page.getByTestId('aging-invoices').locator('tbody tr');
		await expect(rows).toHaveCount(1);
		await expect(rows.first()).toContainText(lateDoc.number);
		await expect(rows.first()).toContainText('45');
		await expect(aging.locator('canvas')).toBeVisible();
	});
	await screenshot(page, 'finance-reports');

	await test.step('the revenue CSV downloads with this month', async () => {
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('revenue-csv').click()]);
		expect(download.suggestedFilename()).toMatch(/^revenue-\d{4}-\d{2}-to-\d{4}-\d{2}\.csv$/);
		const csv = await readFile((await download.path())!, 'utf8');
		expect(csv).toContain('period,currency,owner,owner_id,recognized,cash_collected,refunds,net');
		expect(csv).toMatch(/,500\.00,500\.00,0\.00,500\.00\r\n/);
	});
	expect(errors).toEqual([]);
	await context.close();
});
