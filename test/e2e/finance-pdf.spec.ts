import { expect, test, type APIRequestContext } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

/**
 * An issued invoice's PDF, from the invoice page: downloaded, rendered to an
 * image with poppler's pdftoppm (kept for a person to look at), its pages
 * counted; the customer link opens the same document without signing in, and
 * Send says what to set up when the server has no mail sender.
 */

const RENDERS = 'test-results/pdf';

async function call(request: APIRequestContext, token: string, path: string, data: unknown, status = 201) {
	const res = await request.post(path, { data, headers: { authorization: `Bearer ${token}` } });
	expect(res.status(), await res.text()).toBe(status);
	return ((await res.json()) as { data: Record<string, unknown> & { id: string } }).data;
}

test('an invoice downloads as a clean, paginated PDF that its customer link also opens', async ({ browser, request }) => {
	test.setTimeout(180_000);
	const auth = (await registerViaApi(request, newPerson('Paula', 'Pdf'), `Pdf Works ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const token = auth.accessToken;
	const company = await call(request, token, '/api/companies', { name: 'Globex Corporation', address: '1 Market St\nSan Francisco, CA 94105' });
	const contact = await call(request, token, '/api/contacts', { firstName: 'Jane', lastName: 'Doe', email: 'jane.doe@globex.example', companyId: company.id });
	const scope = 'Discovery workshops with the sales and support teams, data migration from the legacy CRM, pipeline and permission setup, two rounds of user training and four weeks of hypercare after go-live. ';
	const lines = Array.from({ length: 6 }, (_, i) => ({
		description: i === 0 ? 'Annual platform subscription' : `Implementation phase ${i}: ${scope.repeat(2).trim()}`,
		quantity: i === 0 ? 1 : 1.5,
		unitPrice: i === 0 ? 1_200_000 : 95_000,
		discountBps: i % 5 === 0 ? 1000 : 0,
		taxRateBps: i % 2 ? 1900 : 700,
		...(i === 0 ? { periodStart: '2026-01-01', periodEnd: '2026-12-31' } : {})
	}));
	const draft = await call(request, token, '/api/financial/invoices', { companyId: company.id, contactId: contact.id, currency: 'EUR', lines });
	const invoice = await call(request, token, `/api/financial/invoices/${draft.id}/finalize`, undefined, 200);
	const number = invoice.number as string;
	let pages = 0;

	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto(`/finance/invoices/${invoice.id}`);
	await expect(page.getByText(number).first()).toBeVisible();

	await test.step('Download PDF gives the numbered file, rendered to an image', async () => {
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('invoice-pdf-download').click()]);
		expect(download.suggestedFilename()).toBe(`${number}.pdf`);
		mkdirSync(RENDERS, { recursive: true });
		const file = `${RENDERS}/${number}.pdf`;
		await download.saveAs(file);
		const bytes = readFileSync(file);
		expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
		pages = (await PDFDocument.load(bytes)).getPageCount();
		expect(pages).toBeGreaterThan(1);
		execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, `${RENDERS}/invoice-page`]);
		execFileSync('pdftoppm', ['-png', '-r', '60', '-f', String(pages), '-l', String(pages), file, `${RENDERS}/invoice-last-page`]);
		const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
		expect(text).toContain('INVOICE');
		expect(text).toContain('Globex Corporation');
		expect(text).toContain('Service period: 1 Jan 2026 – 31 Dec 2026');
		expect(text).toContain(`Page 1 of ${pages}`);
		expect(text).toContain('Amount due');
	});

	await test.step('Copy customer link opens the same document without signing in', async () => {
		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		await page.getByTestId('copy-customer-link').click();
		const link = await page.getByTestId('customer-link').inputValue();
		expect(link).toMatch(/\/documents\/[A-Za-z0-9_-]{43}$/);
		const tokenPart = link.split('/documents/')[1];
		const pdf = await request.get(`/api/public/documents/${tokenPart}/pdf`);
		expect(pdf.status()).toBe(200);
		expect(pdf.headers()['content-type']).toBe('application/pdf');
		expect((await PDFDocument.load(await pdf.body())).getPageCount()).toBe(pages);
	});

	await test.step('Send is prefilled and says what to set up without a mail sender', async () => {
		await page.getByTestId('invoice-send').click();
		const dialog = page.getByRole('dialog');
		await expect(dialog.getByLabel('To')).toHaveValue('jane.doe@globex.example');
		await expect(dialog.getByLabel('Subject')).toHaveValue(new RegExp(`^Invoice ${number}`));
		await screenshot(page, 'finance-pdf-send-dialog', { fullPage: false });
		await dialog.getByTestId('send-invoice-submit').click();
		await expect(dialog.getByRole('alert')).toContainText(/SEND_EMAIL|EMAIL_API_URL/);
	});
	expect(errors).toEqual([]);
	await context.close();
});
