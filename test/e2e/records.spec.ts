import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

/** An organization of its own for each test, seeded through the REST API. */
async function newOrg(request: APIRequestContext, name: string) {
	const auth = await registerViaApi(request, newPerson('Rita', 'Records'), `${name} ${Date.now().toString(36)}`);
	return auth as unknown as AuthTokens;
}

async function post<T>(request: APIRequestContext, token: string, path: string, data: unknown): Promise<T> {
	const res = await request.post(path, { headers: { authorization: `Bearer ${token}` }, data });
	expect(res.status(), await res.text()).toBeLessThan(300);
	return ((await res.json()) as { data: T }).data;
}

async function get<T>(request: APIRequestContext, token: string, path: string): Promise<{ data: T; meta?: { total: number } }> {
	const res = await request.get(path, { headers: { authorization: `Bearer ${token}` } });
	expect(res.status(), await res.text()).toBe(200);
	return (await res.json()) as { data: T; meta?: { total: number } };
}

async function openApp(browser: Browser, auth: AuthTokens, path: string) {
	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto(path);
	return { context, page, errors };
}

const rows = (page: Page) => page.getByTestId('record-row');
const names = (page: Page) => page.getByTestId('record-link').allTextContents();

const FIRST = ['Ada', 'Brook', 'Cyrus', 'Dana', 'Elio', 'Faye', 'Gus', 'Hana', 'Ivan', 'June'];
const LAST = ['Archer', 'Baker', 'Cole'];

test('contacts list sorts, filters and pages through the URL, and edits a field in place', async ({ browser, request }) => {
	const auth = await newOrg(request, 'Lists');
	// 30 contacts: every first name with three last names; the Bakers are tagged vip.
	const seeded: { id: string; firstName: string; lastName: string }[] = [];
	for (const last of LAST) {
		const batch = await Promise.all(
			FIRST.map((first) =>
				post<{ id: string; firstName: string; lastName: string }>(request, auth.accessToken, '/api/contacts', {
					firstName: first,
					lastName: last,
					email: `${first}.${last}@example.com`.toLowerCase(),
					title: last === 'Baker' ? 'Buyer' : 'Engineer',
					tags: last === 'Baker' ? ['vip'] : []
				})
			)
		);
		seeded.push(...batch);
	}
	const { page, errors } = await openApp(browser, auth, '/');
	await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
	await expect(page).toHaveURL(/\/contacts$/);

	await test.step('first page: 25 of 30, sorted by last name then first name', async () => {
		await expect(rows(page)).toHaveCount(25);
		await expect(page.getByTestId('page-summary')).toContainText('1–25 of 30');
		expect((await names(page)).slice(0, 2)).toEqual(['Ada Archer', 'Brook Archer']);
		await screenshot(page, 'records-01-contacts-list', { fullPage: false });
	});

	await test.step('next page has the last 5, and the page is in the URL', async () => {
		await page.getByTestId('page-next').click();
		await expect(page).toHaveURL(/page=2/);
		await expect(rows(page)).toHaveCount(5);
		expect(await names(page)).toEqual(['Faye Cole', 'Gus Cole', 'Hana Cole', 'Ivan Cole', 'June Cole']);
		await expect(page.getByTestId('page-number')).toHaveText('Page 2 of 2');
	});

	await test.step('sorting by name descending starts again from page 1', async () => {
		await page.getByTestId('sort-name').click(); // already ascending: flips to descending
		await expect(page).toHaveURL(/sort=-name/);
		await expect(page).not.toHaveURL(/page=2/);
		await expect(rows(page)).toHaveCount(25);
		expect((await names(page)).slice(0, 2)).toEqual(['June Cole', 'Ivan Cole']);
		await expect(page.getByTestId('sort-name').locator('..')).toHaveAttribute('aria-sort', 'descending');
	});

	await test.step('search and tag filters narrow the list; a reload keeps them', async () => {
		await page.getByTestId('list-search').fill('hana');
		await expect(page).toHaveURL(/q=hana/);
		await expect(rows(page)).toHaveCount(3);
		await page.getByTestId('filter-tag').fill('vip');
		await page.getByTestId('filter-tag').press('Enter');
		await expect(page).toHaveURL(/tag=vip/);
		await expect(rows(page)).toHaveCount(1);
		await page.reload();
		await expect(rows(page)).toHaveCount(1);
		await expect(page.getByTestId('record-link')).toHaveText('Hana Baker');
		await page.getByRole('button', { name: 'Clear', exact: true }).click();
		await expect(page.getByTestId('page-summary')).toContainText('of 30');
		await page.getByTestId('list-search').fill('nobody-here');
		await expect(page.getByTestId('list-empty')).toContainText('No contacts match these filters');
		await screenshot(page, 'records-02-contacts-empty-filter', { fullPage: false });
		await page.getByRole('button', { name: 'Clear filters' }).click();
		await expect(rows(page)).toHaveCount(25);
	});

	await test.step('an email edited in the table is saved and survives a reload', async () => {
		const row = rows(page).filter({ hasText: 'June Cole' });
		const email = row.getByTestId('inline-email');
		await email.click();
		await email.fill('june@cole.example');
		await email.press('Enter');
		await expect(email).toHaveValue('june@cole.example');
		const june = seeded.find((c) => c.firstName === 'June' && c.lastName === 'Cole')!;
		await expect
			.poll(async () => (await get<{ email: string }>(request, auth.accessToken, `/api/contacts/${june.id}`)).data.email)
			.toBe('june@cole.example');
		await page.reload();
		await expect(rows(page).filter({ hasText: 'June Cole' }).getByTestId('inline-email')).toHaveValue('june@cole.example');
	});

	await test.step('bulk: select two rows and delete them', async () => {
		await rows(page).nth(0).getByRole('checkbox').check();
		await rows(page).nth(1).getByRole('checkbox').check();
		await expect(page.getByTestId('bulk-bar')).toContainText('2 selected');
		await screenshot(page, 'records-03-bulk-selection', { fullPage: false });
		await page.getByTestId('bulk-delete').click();
		await page.getByTestId('confirm-delete').click();
		await expect(page.getByTestId('page-summary')).toContainText('of 28');
	});

	await test.step('the contact page shows the fields and takes a note', async () => {
		await page.getByTestId('record-link').first().click();
		await expect(page).toHaveURL(/\/contacts\/[0-9a-f-]+$/);
		await expect(page.getByTestId('record-title')).toBeVisible();
		await page.getByPlaceholder('What happened?').fill('Intro call went well');
		await page.getByRole('button', { name: 'Add note' }).click();
		await expect(page.getByTestId('activity')).toContainText('Intro call went well');
		await screenshot(page, 'records-04-contact-page');
	});
	expect(errors).toEqual([]);
});

test('a lead filtered by status converts into a contact and a deal, landing on the deal', async ({ browser, request }) => {
	const auth = await newOrg(request, 'Leads');
	for (const [firstName, status] of [
		['Quinn', 'new'],
		['Rosa', 'qualified'],
		['Sami', 'contacted']
	] as const) {
		await post(request, auth.accessToken, '/api/leads', {
			firstName,
			lastName: 'Prospect',
			email: `${firstName.toLowerCase()}@prospect.example`,
			companyName: `${firstName} Industries`,
			source: 'Website',
			status
		});
	}
	const { page, errors } = await openApp(browser, auth, '/leads');
	await expect(rows(page)).toHaveCount(3);
	await screenshot(page, 'records-05-leads-list', { fullPage: false });

	await page.getByTestId('filter-status').selectOption('qualified');
	await expect(page).toHaveURL(/status=qualified/);
	await expect(rows(page)).toHaveCount(1);
	await page.getByTestId('record-link').click();
	await expect(page.getByTestId('record-title')).toHaveText('Rosa Prospect');

	await page.getByTestId('convert-lead').click();
	await page.getByLabel('Deal title').fill('Rosa Industries rollout');
	await page.getByLabel('Amount').fill('42,000');
	await screenshot(page, 'records-06-convert-dialog', { fullPage: false });
	await page.getByTestId('confirm-convert').click();

	await expect(page).toHaveURL(/\/deals\/[0-9a-f-]+$/);
	await expect(page.getByTestId('deal-title-input')).toHaveValue('Rosa Industries rollout');
	const dealId = page.url().split('/').pop()!;
	const deal = (await get<{ amount: number; contactId: string; companyId: string }>(request, auth.accessToken, `/api/deals/${dealId}`)).data;
	expect(deal.amount).toBe(42_000);

	// The new contact shows the deal, and the lead says it is converted.
	await page.goto(`/contacts/${deal.contactId}`);
	await expect(page.getByTestId('linked-deal')).toContainText('Rosa Industries rollout');
	await page.goto('/leads?status=converted');
	await expect(rows(page)).toHaveCount(1);
	await page.getByTestId('record-link').click();
	await expect(page.getByTestId('converted-banner')).toContainText('Open deal');
	await expect(page.getByTestId('convert-lead')).toHaveCount(0);
	expect(errors).toEqual([]);
});

test('a CSV with a bad row shows the row errors and writes nothing; the fixed file imports', async ({ browser, request }) => {
	const auth = await newOrg(request, 'Import');
	const { page, errors } = await openApp(browser, auth, '/import');
	const bad = [
		'First Name,Last Name,Email Address,Account Name,Favourite colour',
		'Nora,Quill,nora@quill.example,Quill Labs,teal',
		'Otto,Reyes,not-an-email,Reyes & Co,red',
		',Nameless,nameless@example.com,,blue'
	].join('\n');

	await page.getByTestId('import-file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
	await expect(page.getByTestId('import-report')).toBeVisible();
	await expect(page.getByTestId('import-errors')).toContainText('nothing will be imported');
	const errorRows = page.getByTestId('error-row');
	await expect(errorRows.filter({ hasText: 'Email' }).first()).toContainText('3');
	await expect(errorRows.first()).toBeVisible();
	expect(await errorRows.count()).toBeGreaterThanOrEqual(2);
	await expect(page.getByTestId('commit-import')).toBeDisabled();
	// Detected mapping: Account Name → company; the unknown column is ignored.
	await expect(page.getByLabel('Field for column Account Name')).toHaveValue('companyName');
	await expect(page.getByLabel('Field for column Favourite colour')).toHaveValue('');
	await screenshot(page, 'records-07-import-errors');
	expect((await get<unknown[]>(request, auth.accessToken, '/api/contacts')).meta?.total).toBe(0);

	const fixed = [
		'First Name,Last Name,Email Address,Account Name,Favourite colour',
		'Nora,Quill,nora@quill.example,Quill Labs,teal',
		'Otto,Reyes,otto@reyes.example,Reyes & Co,red'
	].join('\n');
	await page.getByTestId('import-file').setInputFiles({ name: 'contacts-fixed.csv', mimeType: 'text/csv', buffer: Buffer.from(fixed) });
	await expect(page.getByTestId('import-file-name')).toHaveText('contacts-fixed.csv');
	await expect(page.getByTestId('import-errors')).toHaveCount(0);
	await expect(page.getByTestId('count-will-create')).toHaveText('2');
	await expect(page.getByTestId('commit-import')).toHaveText(/Import 2 contacts/);
	await page.getByTestId('commit-import').click();
	await expect(page.getByTestId('import-done')).toBeVisible();
	await expect(page.getByTestId('import-summary')).toContainText('2 created');
	await screenshot(page, 'records-08-import-done', { fullPage: false });
	const list = await get<{ firstName: string }[]>(request, auth.accessToken, '/api/contacts');
	expect(list.data.map((c) => c.firstName).sort()).toEqual(['Nora', 'Otto']);
	expect((await get<unknown[]>(request, auth.accessToken, '/api/companies')).meta?.total).toBe(2);
	expect(errors).toEqual([]);
});

test('the command palette finds a contact by a prefix and opens it from the keyboard', async ({ browser, request }) => {
	const auth = await newOrg(request, 'Palette');
	const annabel = await post<{ id: string }>(request, auth.accessToken, '/api/contacts', {
		firstName: 'Annabel',
		lastName: 'Lindqvist',
		email: 'annabel@lindqvist.example',
		title: 'Head of Procurement'
	});
	await post(request, auth.accessToken, '/api/companies', { name: 'Lindqvist Timber', domain: 'lindqvist.example' });
	const { page, errors } = await openApp(browser, auth, '/pipeline');
	await expect(page.getByTestId('board')).toBeVisible();

	await page.keyboard.press('Control+k');
	const palette = page.getByRole('dialog', { name: 'Command palette' });
	await expect(palette).toBeVisible();
	const input = palette.getByRole('combobox');
	await expect(input).toBeFocused();
	await expect(palette.getByRole('option', { name: 'Contacts', exact: true })).toBeVisible();

	await input.pressSequentially('annab', { delay: 30 });
	const option = palette.getByRole('option', { name: /Annabel Lindqvist/ });
	await expect(option).toBeVisible();
	await expect(option).toHaveAttribute('aria-selected', 'true');
	await screenshot(page, 'records-09-command-palette', { fullPage: false });
	await input.press('Enter');
	await expect(page).toHaveURL(new RegExp(`/contacts/${annabel.id}$`));
	await expect(page.getByTestId('record-title')).toHaveText('Annabel Lindqvist');
	await expect(palette).toHaveCount(0);

	// Navigation commands, and arrows wrap through the list; Escape closes.
	await page.keyboard.press('Control+k');
	const options = palette.getByRole('option');
	await expect(options.first()).toHaveAttribute('aria-selected', 'true');
	await page.keyboard.press('ArrowDown');
	await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
	await page.keyboard.press('ArrowUp');
	await page.keyboard.press('ArrowUp');
	await expect(options.last()).toHaveAttribute('aria-selected', 'true');
	await palette.getByRole('combobox').fill('lead');
	await expect(options).toHaveCount(1);
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/leads$/);
	await page.keyboard.press('Control+k');
	await expect(page.getByRole('dialog', { name: 'Command palette' })).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(page.getByRole('dialog', { name: 'Command palette' })).toHaveCount(0);
	expect(errors).toEqual([]);
});
