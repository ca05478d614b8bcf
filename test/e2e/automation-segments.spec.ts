import { expect, test, type APIRequestContext } from '@playwright/test';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

async function contactViaApi(request: APIRequestContext, token: string, body: Record<string, unknown>) {
	const res = await request.post('/api/contacts', { data: body, headers: { authorization: `Bearer ${token}` } });
	expect(res.status(), await res.text()).toBe(201);
	return ((await res.json()) as { data: { id: string } }).data;
}

test('a segment built from the list filters shows its members, and its count follows a contact that changes', async ({ browser, request }) => {
	test.setTimeout(120_000);
	const owner = (await registerViaApi(request, newPerson('Sofia', 'Segments'), `Segments ${Date.now().toString(36)}`)) as AuthTokens;
	for (const [first, last] of [['Ada', 'Lovelace'], ['Grace', 'Hopper'], ['Alan', 'Turing']] as const) {
		await contactViaApi(request, owner.accessToken, { firstName: first, lastName: last, email: `${first.toLowerCase()}@vip.example`, tags: ['vip'] });
	}
	const later = await contactViaApi(request, owner.accessToken, { firstName: 'Edsger', lastName: 'Dijkstra', email: 'edsger@plain.example' });
	await contactViaApi(request, owner.accessToken, { firstName: 'Barbara', lastName: 'Liskov' });

	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);

	await test.step('the empty Segments tab explains what a segment is', async () => {
		await page.goto('/automation/segments');
		await expect(page.getByTestId('segments-empty')).toContainText('No segments yet');
	});

	await test.step('building one with the list filters counts its members live', async () => {
		await page.getByTestId('new-segment').first().click();
		await expect(page).toHaveURL(/\/automation\/segments\/new$/);
		await page.getByTestId('segment-name').fill('VIP contacts');
		await expect(page.getByTestId('segment-preview-count')).toHaveText('5');
		await page.getByTestId('filter-tag').fill('vip');
		await page.getByTestId('filter-tag').press('Tab');
		await expect(page.getByTestId('segment-preview-count')).toHaveText('3');
		await page.getByTestId('segment-recency').selectOption('inactive');
		await expect(page.getByTestId('segment-preview-count')).toHaveText('3');
		await screenshot(page, 'segments-01-editor');
		await page.getByTestId('segment-save').click();
	});

	await test.step('its page lists the members', async () => {
		await expect(page).toHaveURL(/\/automation\/segments\/[0-9a-f-]+$/);
		await expect(page.getByTestId('segment-member-count')).toHaveText('3');
		await expect(page.getByTestId('segment-member')).toHaveCount(3);
		await expect(page.getByTestId('segment-filter-summary')).toContainText('tagged vip · no activity in 30 days');
		await screenshot(page, 'segments-02-detail');
	});

	await test.step('a contact tagged elsewhere joins while the page is open', async () => {
		const res = await request.patch(`/api/contacts/${later.id}`, { data: { tags: ['vip'] }, headers: { authorization: `Bearer ${owner.accessToken}` } });
		expect(res.status()).toBe(200);
		await expect(page.getByTestId('segment-member-count')).toHaveText('4', { timeout: 20_000 });
		await expect(page.getByTestId('segment-member')).toHaveCount(4);
		await expect(page.getByTestId('segment-members')).toContainText('Edsger Dijkstra');
	});

	await test.step('the list shows the segment with its count', async () => {
		await page.getByRole('link', { name: '← Segments' }).click();
		await expect(page.getByTestId('segment-row')).toHaveCount(1);
		await expect(page.getByTestId('segment-count')).toHaveText('4');
		await screenshot(page, 'segments-03-list');
	});

	await test.step('a filtered contact list is saved as a segment with its filters carried over', async () => {
		await page.goto('/contacts');
		await expect(page.getByTestId('save-as-segment')).toHaveCount(0);
		await page.getByTestId('filter-tag').fill('vip');
		await page.getByTestId('filter-tag').press('Tab');
		await expect(page).toHaveURL(/tag=vip/);
		await screenshot(page, 'segments-04-list-filter');
		await page.getByTestId('save-as-segment').click();
		await expect(page).toHaveURL(/\/automation\/segments\/new\?entity=contact&tag=vip$/);
		await expect(page.getByTestId('segment-entity')).toHaveValue('contact');
		await expect(page.getByTestId('filter-tag')).toHaveValue('vip');
		await expect(page.getByTestId('segment-preview-count')).toHaveText('4');
		await page.getByTestId('segment-name').fill('Every VIP');
		await page.getByTestId('segment-save').click();
		await expect(page).toHaveURL(/\/automation\/segments\/[0-9a-f-]+$/);
		await expect(page.getByTestId('segment-member-count')).toHaveText('4');
		await expect(page.getByTestId('segment-filter-summary')).toContainText('tagged vip');
	});

	expect(errors).toEqual([]);
	await context.close();
});
