import { expect, test, type APIRequestContext } from '@playwright/test';
import { startOpenAiFake } from '../fakes/openai-fake';
import { createDealViaApi, defaultPipelineViaApi, signedInContext, type AuthTokens } from './board-helpers';
import { connectOrgToFake, dateThisMonth, openAssistant, scriptFake } from './ai-fake-setup';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

let fake: Awaited<ReturnType<typeof startOpenAiFake>>;

test.beforeAll(async () => {
	fake = await startOpenAiFake();
});

test.afterAll(async () => {
	await fake?.close();
});

async function seedOwner(request: APIRequestContext, org: string) {
	return (await registerViaApi(request, newPerson('Nora', 'Owner'), `${org} ${Date.now().toString(36)}`)) as AuthTokens;
}

async function seedDeal(request: APIRequestContext, owner: AuthTokens, title: string, closeDate: string) {
	const pipeline = await defaultPipelineViaApi(request, owner.accessToken);
	return createDealViaApi(request, owner.accessToken, { title, amount: 42_000, stageId: pipeline.stages[0]!.id, pipelineId: pipeline.id, closeDate });
}

test('asks which deals close this month, reads the cited answer as it streams, and opens the cited deal', async ({ browser, request }) => {
	const owner = await seedOwner(request, 'Assist');
	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	const title = `Acme renewal ${Date.now().toString(36)}`;
	const deal = await seedDeal(request, owner, title, await dateThisMonth(page));
	const key = await connectOrgToFake(request, owner, fake.url);
	await scriptFake(request, fake.url, key, [
		{ toolCalls: [{ name: 'list_deals', arguments: { owner: 'me', closing: 'this_month' } }] },
		{ text: 'Closing this month:\n{{cite_all}}' }
	]);

	await page.goto('/');
	await expect(page.getByTestId('welcome')).toBeVisible();
	const panel = await openAssistant(page);
	await expect(panel.getByRole('heading', { name: 'Assistant' })).toBeVisible();
	await expect(panel.getByTestId('ai-input')).toBeFocused();
	await page.keyboard.type('which of my deals close this month?');
	await page.keyboard.press('Enter');

	await expect(panel.getByTestId('ai-question')).toHaveText('which of my deals close this month?');
	const answer = panel.getByTestId('ai-answer');
	await expect(answer.getByTestId('ai-tool-step')).toHaveText('Looked up your deals closing this month');
	await expect(answer.getByTestId('ai-answer-text')).toContainText('Closing this month:');
	await expect(answer).toHaveAttribute('data-state', 'done');
	await expect(panel.getByTestId('ai-stop')).toHaveCount(0);
	const citation = answer.getByRole('link', { name: `Open deal ${title}` });
	await expect(citation).toHaveAttribute('href', `/deals/${deal.id}`);
	await expect(answer.getByTestId('ai-sources').getByRole('link', { name: title })).toBeVisible();
	await screenshot(page, 'ai-assistant-answer', { fullPage: false });

	await citation.click();
	await expect(page).toHaveURL(new RegExp(`/deals/${deal.id}$`));
	await expect(panel).toBeHidden();
	await expect(page.getByRole('heading', { name: title })).toBeVisible();

	// Back in the panel on the deal's page, the conversation is still there and "this deal" is this one.
	await openAssistant(page);
	await expect(panel.getByTestId('ai-context')).toContainText('Asking about:');
	await expect(panel.getByTestId('ai-context')).toContainText(title);
	await expect(panel.getByTestId('ai-answer')).toHaveCount(1);
	await page.keyboard.press('Escape');
	await expect(panel).toBeHidden();
	expect(errors).toEqual([]);
	await context.close();
});

test('a proposed task runs only when confirmed, and the conversation replays from the history', async ({ browser, request }) => {
	const owner = await seedOwner(request, 'Propose');
	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	const title = `Globex expansion ${Date.now().toString(36)}`;
	const today = await dateThisMonth(page);
	const deal = await seedDeal(request, owner, title, today);
	const key = await connectOrgToFake(request, owner, fake.url);
	await scriptFake(request, fake.url, key, [
		{ toolCalls: [{ name: 'create_task', arguments: { title: 'Call Dana about the renewal', dueAt: today, recordType: 'deal', recordId: deal.id } }] },
		{ text: 'I proposed a task on this deal; confirm it to add it.' }
	]);
	const tasks = async () => {
		const res = await request.get('/api/activities', { headers: { authorization: `Bearer ${owner.accessToken}` }, params: { dealId: deal.id, type: 'task' } });
		return ((await res.json()) as { data: { subject: string }[] }).data.map((t) => t.subject);
	};

	await page.goto(`/deals/${deal.id}`);
	await expect(page.getByRole('heading', { name: title })).toBeVisible();
	const panel = await openAssistant(page);
	await expect(panel.getByTestId('ai-context')).toContainText(title);
	await panel.getByTestId('ai-input').fill('Remind me to call Dana about the renewal');
	await panel.getByTestId('ai-send').click();

	const card = panel.getByTestId('ai-action');
	await expect(card).toContainText('Create a task “Call Dana about the renewal”');
	await expect(card).toHaveAttribute('data-status', 'proposed');
	await expect(panel.getByTestId('ai-answer')).toHaveAttribute('data-state', 'done');
	expect(await tasks()).toEqual([]);
	await screenshot(page, 'ai-assistant-proposal', { fullPage: false });

	await card.getByRole('button', { name: 'Confirm' }).click();
	await expect(card).toHaveAttribute('data-status', 'confirmed');
	await expect(card).toContainText('Task created');
	await expect(card.getByTestId('ai-action-result')).toHaveAttribute('href', `/deals/${deal.id}`);
	expect(await tasks()).toEqual(['Call Dana about the renewal']);

	await panel.getByTestId('ai-new-conversation').click();
	await expect(panel.getByTestId('ai-answer')).toHaveCount(0);
	await panel.getByTestId('ai-history-toggle').click();
	await panel.getByTestId('ai-conversation').filter({ hasText: 'Remind me to call Dana' }).click();
	await expect(panel.getByTestId('ai-question')).toHaveText('Remind me to call Dana about the renewal');
	await expect(panel.getByTestId('ai-answer-text')).toContainText('I proposed a task on this deal');
	await expect(panel.getByTestId('ai-action')).toHaveAttribute('data-status', 'confirmed');

	await panel.getByTestId('ai-history-toggle').click();
	await panel.getByRole('button', { name: 'Delete “Remind me to call Dana' }).click();
	await panel.getByRole('button', { name: 'Delete', exact: true }).click();
	await expect(panel.getByTestId('ai-history')).toContainText('No conversations yet');
	expect(await tasks()).toEqual(['Call Dana about the renewal']);
	expect(errors).toEqual([]);
	await context.close();
});

test('a spent budget and a provider failure say what happened, and nothing pretends to answer', async ({ browser, request }) => {
	const owner = await seedOwner(request, 'Budget');
	const key = await connectOrgToFake(request, owner, fake.url);
	// A 400 (a 5xx would be retried by the SDK): the provider refuses this request for good.
	await scriptFake(request, fake.url, key, [{ error: { status: 400, message: 'The model fake-chat-1 does not support tools' } }]);
	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	await page.goto('/');
	const panel = await openAssistant(page);

	await panel.getByTestId('ai-input').fill('Summarize my pipeline');
	await page.keyboard.press('Enter');
	const problem = panel.getByTestId('ai-problem');
	await expect(problem).toHaveAttribute('data-kind', 'provider');
	await expect(problem).toContainText('does not support tools');
	await expect(panel.getByTestId('ai-answer-text')).toHaveCount(0);

	const res = await request.put('/api/ai/settings', { headers: { authorization: `Bearer ${owner.accessToken}` }, data: { monthlyTokenBudget: 0 } });
	expect(res.status()).toBe(200);
	await problem.getByRole('button', { name: 'Try again' }).click();
	await expect(problem).toHaveAttribute('data-kind', 'budget');
	await expect(problem).toContainText('Monthly AI budget spent');
	await expect(problem).toContainText('renews');
	await screenshot(page, 'ai-assistant-budget', { fullPage: false });
	await context.close();
});

test('Stop ends a slow answer, keeps what streamed, and the stopped answer is still metered', async ({ browser, request }) => {
	const owner = await seedOwner(request, 'Stopper');
	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	const key = await connectOrgToFake(request, owner, fake.url);
	await scriptFake(request, fake.url, key, [{ text: 'First part arrives now. The rest takes far too long to come.', delayMs: 1_500 }]);

	await page.goto('/');
	const panel = await openAssistant(page);
	await page.keyboard.type('tell me everything');
	await page.keyboard.press('Enter');
	const answer = panel.getByTestId('ai-answer');
	await expect(answer.getByTestId('ai-answer-text')).toContainText('First part');
	await panel.getByTestId('ai-stop').click();
	await expect(answer).toHaveAttribute('data-state', 'stopped');
	await expect(answer.getByTestId('ai-answer-text')).toContainText('First part');
	await expect(answer.getByTestId('ai-answer-text')).not.toContainText('too long to come');

	// The provider's own count never came, so the Worker meters the stopped round from what had streamed.
	await expect
		.poll(async () => {
			const res = await request.get('/api/ai/usage', { headers: { authorization: `Bearer ${owner.accessToken}` } });
			return ((await res.json()) as { data: { totals: { requests: number; tokens: number } } }).data.totals;
		}, { timeout: 15_000 })
		.toMatchObject({ requests: 1 });
	expect(errors).toEqual([]);
	await context.close();
});
