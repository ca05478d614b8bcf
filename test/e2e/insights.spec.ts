import { expect, test, type APIRequestContext } from '@playwright/test';
import { defaultPipelineViaApi, signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

/**
 * A new user watches an insight arrive live on the dashboard: a deal whose
 * close date passed is saved through the API, the dashboard re-reads on the
 * room's event, the deal-at-risk rule fires and its `ai_insight` toasts and
 * lands in the insights panel; the user opens it and dismisses it.
 */

const utcDay = (offsetDays = 0) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

async function post(request: APIRequestContext, token: string, path: string, data: unknown) {
	const res = await request.post(path, { data, headers: { authorization: `Bearer ${token}` } });
	expect(res.status(), await res.text()).toBe(201);
	return ((await res.json()) as { data: { id: string } }).data;
}

test('an insight arrives live on the dashboard, opens with its evidence and is dismissed', async ({ browser, request }) => {
	test.setTimeout(180_000);
	const person = newPerson('Ines', 'Insight');
	const auth = (await registerViaApi(request, person, `Insights ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const token = auth.accessToken;
	const pipeline = await defaultPipelineViaApi(request, token);
	const stage = Object.fromEntries(pipeline.stages.map((s) => [s.name, s.id]));
	const firstStage = pipeline.stages[0]!.id;
	const period = utcDay().slice(0, 7);
	// The organization keeps UTC: today's date in UTC is inside this month.
	await post(request, token, '/api/deals', { title: 'Globex — platform licence', amount: 18_000, currency: 'USD', closeDate: utcDay(), stageId: stage['Closed won'] ?? firstStage, status: 'won' });
	await post(request, token, '/api/deals', { title: 'Initech — support plan', amount: 24_000, currency: 'USD', closeDate: utcDay(20), stageId: stage['Proposal'] ?? firstStage });
	await post(request, token, '/api/deals', { title: 'Umbrella — pilot', amount: 9_500, currency: 'USD', closeDate: utcDay(35), stageId: stage['Qualified'] ?? firstStage });
	const put = await request.put('/api/forecast/targets', {
		data: { targets: [{ ownerId: auth.user.id, period, currency: 'USD', amount: 40_000 }] },
		headers: { authorization: `Bearer ${token}` }
	});
	expect(put.status(), await put.text()).toBe(200);
	await post(request, token, '/api/activities', { type: 'task', subject: 'Send Initech the revised quote', dueAt: Date.now() + 60_000 });

	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('welcome')).toBeVisible();
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online');

	await test.step('the cockpit shows the pipeline, won against target and my tasks', async () => {
		await expect(page.getByTestId('stat-pipeline-value')).toHaveText(/\$33,500/);
		await expect(page.getByTestId('stat-won-value')).toHaveText(/\$18,000/);
		await expect(page.getByTestId('stat-won')).toContainText('45% attained');
		await expect(page.getByTestId('dash-tasks')).toContainText('Send Initech the revised quote');
		await expect(page.getByTestId('dash-insights')).toContainText('Nothing needs your attention');
		await screenshot(page, 'insights-01-dashboard');
	});

	const slipped = 'Hooli — renewal';
	await test.step('a deal whose close date passed raises an insight, live', async () => {
		await post(request, token, '/api/deals', { title: slipped, amount: 12_000, currency: 'USD', closeDate: utcDay(-3), stageId: stage['Negotiation'] ?? firstStage });
		const toast = page.getByTestId('toast').filter({ hasText: 'Deal at risk' });
		await expect(toast).toContainText(`${slipped}: close date ${utcDay(-3)} has passed`, { timeout: 20_000 });
		const item = page.getByTestId('dash-insights').getByTestId('insight');
		await expect(item).toHaveCount(1);
		await expect(item).toContainText(`${slipped}: close date ${utcDay(-3)} has passed`);
		await expect(page.getByTestId('dash-insight-count')).toHaveText('1');
		await item.getByRole('button', { name: 'Why?' }).click();
		await expect(item.getByTestId('insight-evidence')).toContainText(`Expected to close on ${utcDay(-3)}`);
		await screenshot(page, 'insights-02-arrived');
	});

	await test.step('the inbox opens it with its evidence, and dismissing it clears it', async () => {
		await page.getByRole('link', { name: 'Insights', exact: true }).first().click();
		await expect(page).toHaveURL(/\/insights$/);
		const item = page.getByTestId('insight').filter({ hasText: slipped });
		await expect(item).toHaveCount(1);
		await expect(item.getByTestId('insight-evidence').getByRole('link', { name: slipped })).toHaveAttribute('href', /\/deals\//);
		await page.getByRole('button', { name: 'Deal at risk', exact: true }).click();
		await expect(item).toHaveCount(1);
		await page.getByRole('button', { name: 'Hot lead', exact: true }).click();
		await expect(page.getByTestId('insight')).toHaveCount(0);
		await page.getByRole('button', { name: 'All', exact: true }).click();
		await expect(item).toHaveCount(1);
		await screenshot(page, 'insights-03-inbox');

		await item.getByRole('link', { name: `${slipped}: close date` }).click();
		await expect(page).toHaveURL(/\/deals\//);
		await expect(page.getByText(slipped).first()).toBeVisible();
		await page.goBack();
		await expect(page).toHaveURL(/\/insights$/);

		await page.getByTestId('insight').filter({ hasText: slipped }).getByRole('button', { name: `Dismiss ${slipped}` }).click();
		await expect(page.getByTestId('insight')).toHaveCount(0);
		await expect(page.getByText('Nothing needs your attention')).toBeVisible();
		await page.reload();
		await expect(page.getByTestId('insight-total')).toHaveText('0 open');
		await screenshot(page, 'insights-04-dismissed');
	});

	expect(errors).toEqual([]);
	await context.close();
});
