import { expect, test, type Page } from '@playwright/test';
import {
	card,
	cardIn,
	createDealViaApi,
	defaultPipelineViaApi,
	dragCard,
	signedInContext,
	waitForOfflineShell,
	type AuthTokens
} from './board-helpers';
import { churnUntilSquashed, expectOnline, storedEpoch } from './board-reset-helpers';
import { newPerson, registerViaApi, watchPageErrors } from './helpers';

/** What a fresh tab of the same browser loads from the shared local copy alone (it is offline). */
async function cardsInLocalCopy(page: Page, stage: string, title: string) {
	await page.reload();
	await expect(page.getByTestId('deal-card')).toHaveCount(3);
	return cardIn(page, stage, title).count();
}

// All tabs of a browser share one IndexedDB copy per organization. On a reset each tab
// drops and reopens it; done at once, one tab's delete used to close the other's fresh
// copy, and that tab's edits then failed.
test('two tabs of one browser both keep working and saving locally through a board reset', async ({
	browser,
	request,
	baseURL
}) => {
	const auth = (await registerViaApi(request, newPerson('Olivia', 'Owner'), `Tabs ${Date.now().toString(36)}`)) as AuthTokens;
	const pipeline = await defaultPipelineViaApi(request, auth.accessToken);
	const lead = pipeline.stages.find((s) => s.name === 'Lead')!.id;
	for (const title of ['Stark rollout', 'Wayne audit', 'Tyrell fleet']) {
		await createDealViaApi(request, auth.accessToken, { title, amount: 1000, stageId: lead, pipelineId: pipeline.id });
	}
	const context = await signedInContext(browser, auth);
	const [a, b] = [await context.newPage(), await context.newPage()];
	const errors = [watchPageErrors(a), watchPageErrors(b)];
	for (const page of [a, b]) {
		await page.goto('/pipeline');
		await expectOnline(page);
	}
	await waitForOfflineShell(a);

	await churnUntilSquashed(baseURL!, auth);
	for (const page of [a, b]) {
		await expectOnline(page, 30_000);
		await expect(page.getByTestId('deal-card')).toHaveCount(3);
	}
	await expect.poll(() => storedEpoch(a, auth.organization.id)).toBe(1);

	await context.setOffline(true);
	await dragCard(a, card(a, 'Stark rollout'), 'Proposal');
	await expect(cardIn(a, 'Proposal', 'Stark rollout')).toBeVisible();
	await dragCard(b, card(b, 'Wayne audit'), 'Qualified');
	await expect(cardIn(b, 'Qualified', 'Wayne audit')).toBeVisible();

	const c = await context.newPage();
	await c.goto('/pipeline');
	await expect.poll(() => cardsInLocalCopy(c, 'Proposal', 'Stark rollout')).toBe(1);
	await expect.poll(() => cardsInLocalCopy(c, 'Qualified', 'Wayne audit')).toBe(1);
	expect(errors).toEqual([[], []]);
	await context.close();
});
