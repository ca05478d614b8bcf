import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { expect, test, type APIRequestContext } from '@playwright/test';
import Stripe from 'stripe';
import { startStripeFake } from '../fakes/stripe-fake';
import { fakePaySession, uniqueStripeKey } from '../fakes/stripe-fixtures';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

/**
 * The money flow end to end: a new user builds an invoice from a
 * demo deal's line items, finalizes it and opens its PDF (rendered to an
 * image with pdftoppm); Stripe is connected (to the local fake Stripe API);
 * the customer pays the pay link and Stripe's signed
 * checkout.session.completed webhook arrives, and the open deal page shows
 * the payment on its timeline and the invoice as Paid, live.
 */

const RENDERS = 'test-results/finance-stripe';
let fake: Awaited<ReturnType<typeof startStripeFake>>;

test.beforeAll(async () => {
	fake = await startStripeFake();
});
test.afterAll(async () => {
	await fake?.close();
});

async function call(request: APIRequestContext, token: string, method: 'post' | 'put' | 'get', path: string, data?: unknown) {
	const res = await request[method](path, { data, headers: { authorization: `Bearer ${token}` } });
	expect(res.ok(), await res.text()).toBe(true);
	return ((await res.json()) as { data: any }).data;
}

test('an invoice built from a deal’s lines is paid through a signed Stripe webhook, and the deal page shows it live', async ({ browser, request }) => {
	test.setTimeout(240_000);
	const auth = (await registerViaApi(request, newPerson('Paula', 'Payments'), `Stripe ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const token = auth.accessToken;
	const company = await call(request, token, 'post', '/api/companies', { name: 'Initech' });
	const deal = await call(request, token, 'post', '/api/deals', { title: 'Initech — support plan', currency: 'USD', companyId: company.id });
	await call(request, token, 'put', `/api/financial/deals/${deal.id}/lines`, {
		lines: [
			{ description: 'Premium support (12 months)', quantity: 1, unitPrice: 240_000, taxRateBps: 1000 },
			{ description: 'Setup', quantity: 2, unitPrice: 25_000 }
		]
	});

	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	let invoiceId = '';
	let number = '';

	await test.step('the deal page drafts the invoice from its lines, and it is finalized', async () => {
		await page.goto(`/deals/${deal.id}`);
		await page.getByTestId('deal-invoices').getByTestId('deal-create-invoice').click();
		await expect(page).toHaveURL(/\/finance\/invoices\/[^/]+$/);
		invoiceId = decodeURIComponent(page.url().split('/').pop()!);
		// $2,400 taxed 10% = $2,640; 2 × $250 = $500: $3,140.00.
		await expect(page.getByTestId('invoice-total')).toHaveText('$3,140.00');
		await page.getByTestId('invoice-finalize').click();
		await expect(page.getByTestId('invoice-status')).toHaveText('Open');
		number = (await page.getByTestId('invoice-number').textContent())!.trim();
	});

	await test.step('its PDF downloads and renders to an image', async () => {
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('invoice-pdf-download').click()]);
		mkdirSync(RENDERS, { recursive: true });
		const file = `${RENDERS}/${number}.pdf`;
		await download.saveAs(file);
		expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
		execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, `${RENDERS}/stripe-invoice`]);
		const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
		expect(text).toContain('Premium support (12 months)');
		expect(text).toContain('3,140.00');
	});

	const secretKey = uniqueStripeKey('e2e');
	const webhookSecret = `whsec_e2e${Date.now().toString(36)}`;
	let connectionId = '';
	await test.step('Stripe is connected in Settings → Billing and answers the test', async () => {
		const connection = await call(request, token, 'post', '/api/financial/stripe/connections', { secretKey, webhookSecret, apiBaseUrl: fake.url });
		connectionId = connection.id;
		await page.goto('/settings/billing');
		const card = page.getByTestId('stripe-connection-card');
		await expect(card.getByTestId('stripe-status')).toContainText('Connected');
		await expect(card.getByTestId('stripe-webhook-url')).toHaveText(connection.webhookUrl);
		await expect(card).not.toContainText(secretKey);
		await card.getByTestId('stripe-test').click();
		await expect(card.getByTestId('stripe-test-message')).toContainText('Connected to Stripe account');
		await screenshot(page, 'finance-stripe-settings');
	});

	await test.step('the customer pays and the signed webhook marks the invoice paid on the open deal page, live', async () => {
		await page.goto(`/deals/${deal.id}`);
		await expect(page.getByTestId('deal-invoices')).toContainText(number);
		const link = await call(request, token, 'post', `/api/financial/invoices/${invoiceId}/checkout`);
		expect(link.url).toContain(fake.url);
		const paid = await fakePaySession(fake.url, secretKey, link.sessionId);
		const payload = JSON.stringify({ id: `evt_e2e_${Date.now()}`, object: 'event', type: 'checkout.session.completed', created: Math.floor(Date.now() / 1000), livemode: false, data: { object: paid.session } });
		const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
		const res = await request.post(`/api/financial/stripe/${connectionId}/webhook`, { headers: { 'content-type': 'application/json', 'stripe-signature': signature }, data: payload });
		expect(res.status(), await res.text()).toBe(200);
		const timeline = page.getByTestId('activity-list');
		await expect(timeline.locator('[data-type="payment"]')).toContainText(`Invoice ${number} paid`);
		await expect(page.getByTestId('deal-invoices')).toContainText('Paid');
		await screenshot(page, 'finance-stripe-deal-paid');
	});

	await test.step('the payment is listed under Finance → Payments', async () => {
		await page.goto('/finance/payments');
		const table = page.getByTestId('payments-table');
		await expect(table).toContainText(number);
		await expect(table).toContainText('$3,140.00');
		await screenshot(page, 'finance-stripe-payments');
	});

	expect(errors).toEqual([]);
});
