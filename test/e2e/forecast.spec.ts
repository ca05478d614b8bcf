import { expect, test, type APIRequestContext } from '@playwright/test';
import { seedForecast } from '../../scripts/seed-forecast.mjs';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

/**
 * A new user opens the forecast and sees it against the team's targets: the
 * demo's history gives learned stage probabilities, this month's win counts
 * towards the owner's target, and clicking a number lists the deals behind it,
 * each a link to its deal.
 */

const localToday = () => new Date().toISOString().slice(0, 10);

async function post(request: APIRequestContext, token: string, path: string, data: unknown) {
	const res = await request.post(path, { data, headers: { authorization: `Bearer ${token}` } });
	expect(res.status(), await res.text()).toBe(201);
	return ((await res.json()) as { data: { id: string } }).data;
}

test('the forecast shows closed won against target, and a number drills down to its deals', async ({ browser, request, baseURL }) => {
	test.setTimeout(240_000);
	const auth = (await registerViaApi(request, newPerson('Fiona', 'Forecast'), `Forecast ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const token = auth.accessToken;
	await seedForecast({ base: baseURL!, token, log: () => {} });
	// The organization keeps UTC: today's date in UTC is inside this month's period.
	const today = localToday();
	const pipelines = (await (await request.get('/api/pipelines', { headers: { authorization: `Bearer ${token}` } })).json()).data as { id: string; stages: { id: string; name: string }[] }[];
	const stage = Object.fromEntries(pipelines[0]!.stages.map((s) => [s.name, s.id]));
	const won = await post(request, token, '/api/deals', { title: 'Zephyr Logistics — renewal', amount: 12_000, currency: 'USD', closeDate: today, stageId: stage['Closed won'], status: 'won' });
	await post(request, token, '/api/deals', { title: 'Northwind — expansion', amount: 20_000, currency: 'USD', closeDate: today, stageId: stage['Negotiation'] });

	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/');
	await page.getByRole('link', { name: 'Forecast', exact: true }).first().click();
	await expect(page).toHaveURL(/\/forecast$/);

	await test.step('this month against the target, per owner', async () => {
		await expect(page.getByTestId('tile-target')).toContainText('60,000');
		const row = page.getByTestId('owner-row').filter({ hasText: 'Fiona Forecast' });
		await expect(row.getByTestId('attainment')).toHaveText(/\d+%/);
		await expect(row.getByTestId('cell-closedWon')).not.toHaveText('$0');
		await expect(page.getByTestId('stage-probability').filter({ hasText: 'Lead' })).toContainText(/\d+%/);
		await expect(page.getByTestId('accuracy-panel')).toBeVisible();
		await screenshot(page, 'forecast-page');
	});

	await test.step('clicking closed won lists the deals behind it, which add up to it', async () => {
		const row = page.getByTestId('owner-row').filter({ hasText: 'Fiona Forecast' });
		const number = (await row.getByTestId('cell-closedWon').textContent())!.trim();
		await row.getByTestId('cell-closedWon').click();
		const dialog = page.getByRole('dialog');
		await expect(dialog).toContainText('Closed won');
		await expect(dialog.getByTestId('drilldown-deals')).toContainText('Zephyr Logistics — renewal');
		await expect(dialog.getByTestId('drilldown-total')).toHaveText(number);
		await screenshot(page, 'forecast-drilldown', { fullPage: false });
		await dialog.getByRole('link', { name: /Zephyr Logistics — renewal/ }).click();
		await expect(page).toHaveURL(new RegExp(`/deals/${won.id}$`));
	});

	await test.step('best case lists the open deal closing this month', async () => {
		await page.goBack();
		await page.getByTestId('tile-bestCase').click();
		const dialog = page.getByRole('dialog');
		await expect(dialog.getByTestId('drilldown-deals')).toContainText('Northwind — expansion');
		await page.keyboard.press('Escape');
	});

	expect(errors).toEqual([]);
	await context.close();
});
