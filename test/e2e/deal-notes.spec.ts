import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import {
	acceptForTokens,
	createDealViaApi,
	defaultPipelineViaApi,
	reloadOffline,
	signedInContext,
	waitForOfflineShell,
	type AuthTokens
} from './board-helpers';
import { inviteViaApi, newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

interface Team {
	owner: AuthTokens;
	dealId: string;
}

/** An organization with an owner and one open deal, seeded through the API. */
async function seedDeal(request: APIRequestContext, title: string): Promise<Team> {
	const owner = await registerViaApi(request, newPerson('Nora', 'Owner'), `Notes ${Date.now().toString(36)}`);
	const pipeline = await defaultPipelineViaApi(request, owner.accessToken);
	const deal = await createDealViaApi(request, owner.accessToken, {
		title,
		amount: 25_000,
		stageId: pipeline.stages[0]!.id,
		pipelineId: pipeline.id
	});
	return { owner: owner as AuthTokens, dealId: deal.id };
}

async function addMember(request: APIRequestContext, team: Team, first: string, role: string) {
	const person = newPerson(first, role[0]!.toUpperCase() + role.slice(1));
	const link = await inviteViaApi(request, team.owner.accessToken, person.email, role);
	return acceptForTokens(request, link, person);
}

/** A signed-in browser on the deal's page, with the notes loaded from the room. */
async function openDeal(browser: Browser, auth: AuthTokens, dealId: string) {
	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto(`/deals/${dealId}`);
	await expect(notesEditor(page)).toBeVisible();
	await expect(page.getByTestId('notes-status')).toHaveAttribute('data-state', 'saved');
	return { context, page, errors };
}

function notesEditor(page: Page) {
	return page.getByTestId('notes-editor');
}

/** The notes' text as written, without the name labels of other people's cursors. */
function notesText(page: Page) {
	return expect.poll(() =>
		notesEditor(page).evaluate((el) => {
			const copy = el.cloneNode(true) as HTMLElement;
			copy.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove());
			return copy.textContent;
		})
	);
}

test('notes typed in one browser appear in the other, with the writer’s cursor and bold text', async ({
	browser,
	request
}) => {
	const team = await seedDeal(request, 'Wayne Enterprises renewal');
	const manager = await addMember(request, team, 'Milo', 'manager');
	const a = await openDeal(browser, team.owner, team.dealId);
	const b = await openDeal(browser, manager, team.dealId);

	await test.step('what A types appears for B', async () => {
		await notesEditor(a.page).click();
		await a.page.keyboard.type('Kickoff with procurement on Monday. ');
		await expect(notesEditor(b.page)).toContainText('Kickoff with procurement on Monday.');
		await expect(a.page.getByTestId('notes-status')).toHaveAttribute('data-state', 'saved');
	});

	await test.step('B sees A’s cursor with A’s name, and A among the people in the notes', async () => {
		const caret = b.page.locator('.collaboration-carets__label');
		await expect(caret).toHaveText(team.owner.user.name);
		await expect(b.page.getByTestId('notes-people').getByTitle(`${team.owner.user.name} is in these notes`)).toBeVisible();
	});

	await test.step('bold, a heading and a checklist made in A arrive formatted in B', async () => {
		await a.page.getByRole('button', { name: 'Bold' }).click();
		await a.page.keyboard.type('Budget approved');
		await expect(a.page.getByRole('button', { name: 'Bold' })).toHaveAttribute('aria-pressed', 'true');
		await a.page.getByRole('button', { name: 'Bold' }).click();
		await a.page.keyboard.press('Enter');
		await a.page.getByRole('button', { name: 'Heading' }).click();
		await a.page.keyboard.type('Next steps');
		await a.page.keyboard.press('Enter');
		await a.page.getByRole('button', { name: 'Checklist' }).click();
		await a.page.keyboard.type('Send the order form');
		await expect(notesEditor(b.page).locator('strong')).toContainText('Budget approved');
		await expect(notesEditor(b.page).locator('h2')).toContainText('Next steps');
		// (Contains: a cursor's name label sits in the line where that person is typing.)
		await expect(notesEditor(b.page).locator('ul[data-type="taskList"] li')).toContainText('Send the order form');
	});

	await test.step('B writes too, and A sees it', async () => {
		await notesEditor(b.page).locator('h2').click();
		await b.page.keyboard.press('End');
		await b.page.keyboard.type(' (owner: Milo)');
		await expect(notesEditor(a.page).locator('h2')).toContainText('Next steps (owner: Milo)');
		await expect(a.page.locator('.collaboration-carets__label')).toHaveText(manager.user.name);
	});
	await expect(b.page.getByTestId('notes-status')).toHaveAttribute('data-state', 'saved');
	await screenshot(a.page, 'deal-notes-a');
	await screenshot(b.page, 'deal-notes-b');

	await test.step('the notes survive a reload', async () => {
		await a.page.reload();
		await expect(notesEditor(a.page).locator('strong')).toContainText('Budget approved');
		await expect(notesEditor(a.page).locator('h2')).toContainText('Next steps (owner: Milo)');
		await expect(a.page.getByTestId('notes-status')).toHaveAttribute('data-state', 'saved');
	});

	expect(a.errors).toEqual([]);
	expect(b.errors).toEqual([]);
	await a.context.close();
	await b.context.close();
});

test('a viewer reads the notes but cannot type in them', async ({ browser, request }) => {
	const team = await seedDeal(request, 'Stark Industries pilot');
	const viewer = await addMember(request, team, 'Vera', 'viewer');
	const owner = await openDeal(browser, team.owner, team.dealId);
	await notesEditor(owner.page).click();
	await owner.page.keyboard.type('Only managers negotiate the discount.');
	await expect(owner.page.getByTestId('notes-status')).toHaveAttribute('data-state', 'saved');

	const v = await openDeal(browser, viewer, team.dealId);
	await notesText(v.page).toBe('Only managers negotiate the discount.');
	await expect(notesEditor(v.page)).toHaveAttribute('contenteditable', 'false');
	await expect(v.page.getByTestId('notes-toolbar')).toHaveCount(0);
	await expect(v.page.getByTestId('notes-read-only')).toBeVisible();

	await notesEditor(v.page).click();
	await v.page.keyboard.type('Sneaky edit');
	await v.page.keyboard.press('Enter');
	await notesText(v.page).toBe('Only managers negotiate the discount.');
	await screenshot(v.page, 'deal-notes-viewer');

	// Whatever the viewer's browser did, the owner's copy is untouched.
	await owner.page.reload();
	await notesText(owner.page).toBe('Only managers negotiate the discount.');

	expect(v.errors).toEqual([]);
	await owner.context.close();
	await v.context.close();
});

test('notes open offline after one visit, and edits made offline reach the room', async ({ browser, request }) => {
	const team = await seedDeal(request, 'Umbrella lab fit-out');
	const a = await openDeal(browser, team.owner, team.dealId);
	await notesEditor(a.page).click();
	await a.page.keyboard.type('Site visit booked.');
	await expect(a.page.getByTestId('notes-status')).toHaveAttribute('data-state', 'saved');
	await waitForOfflineShell(a.page);

	await a.context.setOffline(true);
	await reloadOffline(a);
	await notesText(a.page).toBe('Site visit booked.');
	await notesEditor(a.page).click();
	await a.page.keyboard.press('End');
	await a.page.keyboard.type(' Hard hats needed.');
	await expect(a.page.getByTestId('notes-status')).toContainText('Offline');
	await screenshot(a.page, 'deal-notes-offline');

	await a.context.setOffline(false);
	await expect(a.page.getByTestId('notes-status')).toHaveAttribute('data-state', 'saved');
	const b = await openDeal(browser, team.owner, team.dealId);
	await notesText(b.page).toBe('Site visit booked. Hard hats needed.');

	expect(a.errors).toEqual([]);
	await a.context.close();
	await b.context.close();
});

test('another organization’s deal shows a clear message instead of its notes', async ({ browser, request }) => {
	const team = await seedDeal(request, 'Cyberdyne secret project');
	const outsider = await registerViaApi(request, newPerson('Oscar', 'Outsider'), `Other ${Date.now().toString(36)}`);
	const context = await signedInContext(browser, outsider as AuthTokens);
	const page = await context.newPage();
	await page.goto(`/deals/${team.dealId}`);
	await expect(page.getByTestId('deal-missing')).toBeVisible();
	await expect(page.getByTestId('notes-editor')).toHaveCount(0);
	await context.close();
});
