import { expect, test, type Browser } from '@playwright/test';
import {
	card,
	cardIn,
	createDealViaApi,
	defaultPipelineViaApi,
	dragCard,
	findDealViaApi,
	signedInContext,
	waitForOfflineShell,
	type AuthTokens
} from './board-helpers';
import { BATCHES, churnUntilSquashed, expectOnline, roomBoard, storedEpoch } from './board-reset-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

async function openBoard(browser: Browser, auth: AuthTokens) {
	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/pipeline');
	await expect(page.getByTestId('board')).toBeVisible();
	return { context, page, errors };
}

test('an edit made offline survives the board being squashed meanwhile, without duplicating a card', async ({
	browser,
	request,
	baseURL
}) => {
	const owner = newPerson('Olivia', 'Owner');
	const auth = (await registerViaApi(request, owner, `Squash ${Date.now().toString(36)}`)) as AuthTokens;
	const pipeline = await defaultPipelineViaApi(request, auth.accessToken);
	const stage = (name: string) => pipeline.stages.find((s) => s.name === name)!.id;
	for (const [title, stageName] of [
		['Stark rollout', 'Lead'],
		['Wayne audit', 'Lead'],
		['Tyrell fleet', 'Qualified']
	] as const) {
		await createDealViaApi(request, auth.accessToken, { title, amount: 1000, stageId: stage(stageName), pipelineId: pipeline.id });
	}
	const a = await openBoard(browser, auth);
	const b = await openBoard(browser, auth);
	await expectOnline(a.page);
	await expectOnline(b.page);
	await waitForOfflineShell(a.page);

	await test.step('A goes offline and moves a card', async () => {
		await a.context.setOffline(true);
		await expect(a.page.getByTestId('offline-banner')).toBeVisible();
		await dragCard(a.page, card(a.page, 'Stark rollout'), 'Proposal');
		await expect(cardIn(a.page, 'Proposal', 'Stark rollout')).toBeVisible();
	});

	await test.step('meanwhile the board takes so many edits that the room squashes it', async () => {
		await churnUntilSquashed(baseURL!, auth);
		// B was online: reset, fresh copy, and back online with every card once.
		await expectOnline(b.page);
		await expect(b.page.getByTestId('deal-card')).toHaveCount(3);
		await expect(cardIn(b.page, 'Lead', 'Stark rollout')).toBeVisible();
	});

	await test.step('A comes back: its copy is reset and its offline move replayed', async () => {
		await a.context.setOffline(false);
		await expect(a.page.getByTestId('offline-banner')).toBeHidden();
		await expectOnline(a.page);
		for (const { page } of [a, b]) {
			await expect(cardIn(page, 'Proposal', 'Stark rollout')).toBeVisible();
			await expect(cardIn(page, 'Lead', 'Wayne audit')).toBeVisible();
			await expect(page.getByTestId('deal-card')).toHaveCount(3);
		}
		await screenshot(a.page, 'board-reset-01-after-squash');
		// A dropped its old copy (it belongs to the new epoch now) instead of merging the old history back.
		await expect.poll(() => storedEpoch(a.page, auth.organization.id)).toBe(1);
		const board = await roomBoard(baseURL!, auth);
		expect(board.cards).toBe(3);
		expect(board.bytes).toBeLessThan(64 * 1024);
		await expect
			.poll(async () => (await findDealViaApi(request, auth.accessToken, 'Stark rollout'))?.stageId)
			.toBe(stage('Proposal'));
		// The churned amounts survived the squash too.
		expect((await findDealViaApi(request, auth.accessToken, 'Wayne audit'))?.amount).toBe(1000 + BATCHES * 500);
	});

	expect(a.errors).toEqual([]);
	expect(b.errors).toEqual([]);
	await a.context.close();
	await b.context.close();
});
