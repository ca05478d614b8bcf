import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import {
	card,
	cardIn,
	column,
	createDealViaApi,
	defaultPipelineViaApi,
	acceptForTokens,
	dragCard,
	findDealViaApi,
	reloadOffline,
	signedInContext,
	type AuthTokens,
	waitForOfflineShell,
	type Pipeline
} from './board-helpers';
import { inviteViaApi, newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

interface Team {
	owner: AuthTokens;
	ownerToken: string;
	pipeline: Pipeline;
}

/** An organization with an owner, its default pipeline, and a few deals seeded through the API. */
async function seedTeam(request: APIRequestContext, name: string, deals: [title: string, stage: string, amount: number, tags?: string[]][]): Promise<Team> {
	const owner = newPerson('Olivia', 'Owner');
	const auth = await registerViaApi(request, owner, `${name} ${Date.now().toString(36)}`);
	const pipeline = await defaultPipelineViaApi(request, auth.accessToken);
	for (const [title, stageName, amount, tags] of deals) {
		const stage = pipeline.stages.find((s) => s.name === stageName);
		if (!stage) throw new Error(`no stage ${stageName}`);
		await createDealViaApi(request, auth.accessToken, { title, amount, stageId: stage.id, pipelineId: pipeline.id, tags });
	}
	return { owner: auth as AuthTokens, ownerToken: auth.accessToken, pipeline };
}

async function addMember(request: APIRequestContext, team: Team, first: string, role: string): Promise<AuthTokens & { email: string }> {
	const person = newPerson(first, role[0]!.toUpperCase() + role.slice(1));
	const link = await inviteViaApi(request, team.ownerToken, person.email, role);
	return { ...(await acceptForTokens(request, link, person)), email: person.email };
}

/** A signed-in browser on the pipeline page, arrived at through the sidebar. */
async function openBoard(browser: Browser, auth: AuthTokens) {
	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('welcome')).toBeVisible();
	await page.getByRole('link', { name: 'Pipeline' }).first().click();
	await expect(page).toHaveURL(/\/pipeline/);
	await expect(page.getByTestId('board')).toBeVisible();
	return { context, page, errors };
}

async function expectOnline(page: Page) {
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online');
}

test('a move and a quick-add in one browser appear live in the other, with who is dragging', async ({
	browser,
	request
}) => {
	const team = await seedTeam(request, 'Board', [
		['Northwind renewal', 'Lead', 12_000, ['renewal']],
		['Globex expansion', 'Lead', 48_000, ['enterprise', 'priority']],
		['Initech licences', 'Qualified', 9_500],
		['Umbrella pilot', 'Proposal', 30_000, ['enterprise']]
	]);
	const manager = await addMember(request, team, 'Maya', 'manager');
	const a = await openBoard(browser, team.owner);
	const b = await openBoard(browser, manager);

	await test.step('both boards show the seeded deals with column totals', async () => {
		for (const { page } of [a, b]) {
			await expect(column(page, 'Lead').getByTestId('deal-card')).toHaveCount(2);
			await expect(column(page, 'Lead').getByTestId('column-amount')).toHaveText('$60,000');
			await expect(column(page, 'Lead').getByTestId('column-totals')).toContainText('$6,000 weighted');
			await expectOnline(page);
		}
		await screenshot(a.page, 'pipeline-01-board');
	});

	await test.step('while A drags a card, B sees who is moving it', async () => {
		await dragCard(a.page, card(a.page, 'Northwind renewal'), 'Proposal', { hold: true });
		await expect(card(b.page, 'Northwind renewal').locator('[data-peer-kind="dragging"]')).toBeVisible();
		await screenshot(b.page, 'pipeline-02-peer-dragging', { fullPage: false });
		await a.page.mouse.up();
	});

	await test.step('the drop lands in B without a reload', async () => {
		await expect(cardIn(a.page, 'Proposal', 'Northwind renewal')).toBeVisible();
		await expect(cardIn(b.page, 'Proposal', 'Northwind renewal')).toBeVisible();
		await expect(column(b.page, 'Lead').getByTestId('deal-card')).toHaveCount(1);
		await expect(column(b.page, 'Proposal').getByTestId('column-count')).toHaveText('2');
		// A's pointer still rests on the card: B now sees A viewing it, no longer dragging it.
		await expect(card(b.page, 'Northwind renewal').locator('[data-peer-kind="dragging"]')).toHaveCount(0);
	});

	await test.step('a quick-added card in A shows up in B', async () => {
		await column(a.page, 'Qualified').getByTestId('quick-add-bottom').click();
		const form = column(a.page, 'Qualified').getByTestId('quick-add-form');
		await form.getByLabel('Deal title').fill('Hooli platform deal');
		await form.getByLabel('Amount').fill('25,000');
		await form.getByLabel('Amount').press('Enter');
		await expect(cardIn(a.page, 'Qualified', 'Hooli platform deal')).toBeVisible();
		await expect(cardIn(b.page, 'Qualified', 'Hooli platform deal')).toContainText('$25,000');
		await expect(column(b.page, 'Qualified').getByTestId('deal-card').last()).toContainText('Hooli platform deal');
		await screenshot(b.page, 'pipeline-03-quick-add-arrived');
	});

	await test.step('the server has both: the move and the new deal', async () => {
		const proposal = team.pipeline.stages.find((s) => s.name === 'Proposal')!;
		await expect.poll(async () => (await findDealViaApi(request, team.ownerToken, 'Northwind renewal'))?.stageId).toBe(proposal.id);
		await expect.poll(async () => (await findDealViaApi(request, team.ownerToken, 'Hooli platform deal'))?.amount).toBe(25_000);
	});

	await test.step('filters narrow every column; the move menu works from the keyboard', async () => {
		await b.page.getByTestId('tag-filter').selectOption('enterprise');
		await expect(b.page.getByTestId('deal-card')).toHaveCount(2);
		await b.page.getByTestId('board-search').fill('umbrella');
		await expect(b.page.getByTestId('deal-card')).toHaveCount(1);
		await b.page.getByRole('button', { name: 'Clear' }).click();
		await expect(b.page.getByTestId('deal-card')).toHaveCount(5);

		const globex = card(b.page, 'Globex expansion');
		await globex.hover();
		await globex.getByTestId('card-menu').click();
		await b.page.getByRole('menuitem', { name: 'Negotiation' }).click();
		await expect(cardIn(a.page, 'Negotiation', 'Globex expansion')).toBeVisible();
		await screenshot(a.page, 'pipeline-04-after-moves');
	});

	await test.step('keyboard: Alt+→ moves the focused card to the next stage', async () => {
		const slot = a.page.locator('[data-card-slot]').filter({ has: a.page.getByText('Initech licences', { exact: true }) });
		await slot.focus();
		await a.page.keyboard.press('Alt+ArrowRight');
		await expect(cardIn(a.page, 'Proposal', 'Initech licences')).toBeVisible();
		await expect(cardIn(b.page, 'Proposal', 'Initech licences')).toBeVisible();
	});

	await test.step('the deal page co-edits live: B changes the amount, A sees B there and the new amount', async () => {
		await card(b.page, 'Umbrella pilot').getByTestId('deal-title').click();
		await expect(b.page).toHaveURL(/\/deals\//);
		await expect(b.page.getByTestId('deal-live')).toBeVisible();
		await expect(card(a.page, 'Umbrella pilot').locator('[data-peer-kind="viewing"]')).toBeVisible();
		const amount = b.page.getByTestId('deal-amount-input');
		await amount.fill('42000');
		await amount.press('Enter');
		await expect(card(a.page, 'Umbrella pilot').getByTestId('deal-amount')).toHaveText('$42,000');
		await expect(amount).toHaveValue('$42,000');
	});

	await test.step('B logs a task and completes it in the activity timeline', async () => {
		const activities = b.page.getByTestId('activities');
		await activities.getByRole('radio', { name: 'Task' }).click();
		await activities.getByPlaceholder('What needs doing?').fill('Send the security questionnaire');
		await activities.getByRole('button', { name: 'Add task' }).click();
		const task = activities.getByTestId('activity').filter({ hasText: 'Send the security questionnaire' });
		await expect(task).toBeVisible();
		await task.getByTestId('task-toggle').click();
		await expect(task.getByTestId('task-toggle')).toHaveText(/Done/);
		await screenshot(b.page, 'pipeline-05-deal-page');
	});

	await test.step('marking it won takes it off both boards', async () => {
		await b.page.getByTestId('mark-won').click();
		await expect(b.page.getByTestId('deal-status')).toHaveText('won');
		await expect(card(a.page, 'Umbrella pilot')).toHaveCount(0);
		await expect.poll(async () => (await findDealViaApi(request, team.ownerToken, 'Umbrella pilot'))?.status).toBe('won');
	});

	expect(a.errors).toEqual([]);
	expect(b.errors).toEqual([]);
	await a.context.close();
	await b.context.close();
});

test('edits made offline merge with a teammate’s edits when the connection returns', async ({
	browser,
	request
}) => {
	const team = await seedTeam(request, 'Offline', [
		['Stark rollout', 'Lead', 40_000],
		['Wayne audit', 'Lead', 22_000],
		['Cyberdyne security', 'Qualified', 15_000],
		['Tyrell fleet', 'Qualified', 80_000]
	]);
	const agent = await addMember(request, team, 'Arjun', 'agent');
	const a = await openBoard(browser, team.owner);
	const b = await openBoard(browser, agent);
	await expectOnline(a.page);
	await waitForOfflineShell(a.page);

	await test.step('A goes offline and even a reload still opens the board', async () => {
		await a.context.setOffline(true);
		await expect(a.page.getByTestId('offline-banner')).toBeVisible();
		await reloadOffline(a);
		await expect(a.page.getByTestId('offline-banner')).toBeVisible();
		await expect(cardIn(a.page, 'Lead', 'Stark rollout')).toBeVisible();
	});

	await test.step('offline, A moves one card and renames another', async () => {
		await dragCard(a.page, card(a.page, 'Stark rollout'), 'Proposal');
		await expect(cardIn(a.page, 'Proposal', 'Stark rollout')).toBeVisible();

		await card(a.page, 'Cyberdyne security').getByTestId('deal-title').click();
		await expect(a.page).toHaveURL(/\/deals\//);
		const title = a.page.getByTestId('deal-title-input');
		await title.fill('Cyberdyne security (3-year)');
		await title.press('Enter');
		await expect(title).toHaveValue('Cyberdyne security (3-year)');
		await a.page.getByRole('link', { name: 'Pipeline' }).first().click();
		await expect(cardIn(a.page, 'Qualified', 'Cyberdyne security (3-year)')).toBeVisible();
		await screenshot(a.page, 'pipeline-06-offline-edits');
	});

	await test.step('meanwhile B, online, makes different edits that A cannot see yet', async () => {
		await expect(cardIn(b.page, 'Lead', 'Stark rollout')).toBeVisible();
		await dragCard(b.page, card(b.page, 'Tyrell fleet'), 'Lead');
		await expect(cardIn(b.page, 'Lead', 'Tyrell fleet')).toBeVisible();
		await expect(cardIn(a.page, 'Qualified', 'Tyrell fleet')).toBeVisible();
	});

	await test.step('A comes back online: both sides converge on all the edits', async () => {
		await a.context.setOffline(false);
		await expect(a.page.getByTestId('offline-banner')).toBeHidden();
		await expectOnline(a.page);
		for (const { page } of [a, b]) {
			await expect(cardIn(page, 'Proposal', 'Stark rollout')).toBeVisible();
			await expect(cardIn(page, 'Qualified', 'Cyberdyne security (3-year)')).toBeVisible();
			await expect(cardIn(page, 'Lead', 'Tyrell fleet')).toBeVisible();
			await expect(page.getByTestId('deal-card')).toHaveCount(4);
		}
		await screenshot(b.page, 'pipeline-07-converged');
	});

	await test.step('and the server stored them', async () => {
		const stageOf = async (title: string) => {
			const deal = await findDealViaApi(request, team.ownerToken, title);
			return team.pipeline.stages.find((s) => s.id === deal?.stageId)?.name;
		};
		await expect.poll(() => stageOf('Stark rollout')).toBe('Proposal');
		await expect.poll(() => stageOf('Tyrell fleet')).toBe('Lead');
		await expect.poll(async () => (await findDealViaApi(request, team.ownerToken, 'Cyberdyne security (3-year)'))?.stageId).toBeTruthy();
	});

	expect(a.errors).toEqual([]);
	expect(b.errors).toEqual([]);
	await a.context.close();
	await b.context.close();
});

test('a viewer sees the live board but cannot drag, add or move cards', async ({ browser, request }) => {
	const team = await seedTeam(request, 'Viewer', [
		['Massive Dynamic POC', 'Lead', 18_000],
		['Oscorp grant', 'Qualified', 7_000]
	]);
	const viewer = await addMember(request, team, 'Vera', 'viewer');
	const v = await openBoard(browser, viewer);
	const o = await openBoard(browser, team.owner);

	await expect(v.page.getByTestId('read-only-badge')).toBeVisible();
	await expect(v.page.getByTestId('quick-add-bottom')).toHaveCount(0);
	await expect(v.page.getByTestId('quick-add-top')).toHaveCount(0);
	await expect(v.page.getByTestId('card-menu')).toHaveCount(0);

	await dragCard(v.page, card(v.page, 'Massive Dynamic POC'), 'Proposal');
	await v.page.waitForTimeout(500);
	await expect(cardIn(v.page, 'Lead', 'Massive Dynamic POC')).toBeVisible();
	await expect(column(v.page, 'Proposal').getByTestId('deal-card')).toHaveCount(0);
	await expect(cardIn(o.page, 'Lead', 'Massive Dynamic POC')).toBeVisible();
	const stored = await findDealViaApi(request, team.ownerToken, 'Massive Dynamic POC');
	expect(team.pipeline.stages.find((s) => s.id === stored?.stageId)?.name).toBe('Lead');

	await test.step("the owner's move still reaches the viewer live", async () => {
		await dragCard(o.page, card(o.page, 'Oscorp grant'), 'Proposal');
		await expect(cardIn(v.page, 'Proposal', 'Oscorp grant')).toBeVisible();
		await screenshot(v.page, 'pipeline-08-viewer');
	});

	await test.step('the pipeline switcher shows another pipeline’s stages', async () => {
		const created = await request.post('/api/pipelines', {
			headers: { authorization: `Bearer ${team.ownerToken}` },
			data: { name: 'Renewals', stages: [{ name: 'Due', probability: 60 }, { name: 'Renewed', probability: 100 }] }
		});
		expect(created.status(), await created.text()).toBe(201);
		await v.page.reload();
		await v.page.getByTestId('pipeline-switcher').selectOption({ label: 'Renewals' });
		await expect(v.page).toHaveURL(/\?pipeline=/);
		await expect(v.page.getByTestId('board-column')).toHaveCount(2);
		await expect(column(v.page, 'Due').getByTestId('column-empty')).toHaveText('No deals yet');
		await v.page.getByTestId('pipeline-switcher').selectOption({ label: 'Sales pipeline' });
		await expect(cardIn(v.page, 'Lead', 'Massive Dynamic POC')).toBeVisible();
	});

	expect(v.errors).toEqual([]);
	expect(o.errors).toEqual([]);
	await v.context.close();
	await o.context.close();
});

test('an agent restricted to their own deals gets a board of just those, kept live by events', async ({
	browser,
	request
}) => {
	const team = await seedTeam(request, 'Own', [['Owner-only deal', 'Lead', 50_000]]);
	const agent = await addMember(request, team, 'Rosa', 'agent');
	const headers = { authorization: `Bearer ${team.ownerToken}` };
	const agentId = agent.user.id;
	const lead = team.pipeline.stages.find((s) => s.name === 'Lead')!;
	const created = await request.post('/api/deals', {
		headers,
		data: { title: 'Rosa’s renewal', amount: 8_000, pipelineId: team.pipeline.id, stageId: lead.id, ownerId: agentId }
	});
	expect(created.status(), await created.text()).toBe(201);
	const settings = await request.patch('/api/organizations/current', {
		headers,
		data: { settings: { recordVisibility: 'own' } }
	});
	expect(settings.status(), await settings.text()).toBe(200);

	const r = await openBoard(browser, agent);
	const o = await openBoard(browser, team.owner);

	await expect(cardIn(r.page, 'Lead', 'Rosa’s renewal')).toBeVisible();
	await expect(card(r.page, 'Owner-only deal')).toHaveCount(0);
	await expect(r.page.getByTestId('deal-card')).toHaveCount(1);

	await test.step("the owner's move of the agent's deal reaches the agent", async () => {
		await dragCard(o.page, card(o.page, 'Rosa’s renewal'), 'Qualified');
		await expect(cardIn(r.page, 'Qualified', 'Rosa’s renewal')).toBeVisible();
	});

	await test.step("the agent's move goes through the API and reaches the owner's live board", async () => {
		// Once the card has landed (the flight from the old column is over).
		await expect(card(r.page, 'Rosa’s renewal')).toHaveCount(1);
		const mine = card(r.page, 'Rosa’s renewal');
		await mine.hover();
		await mine.getByTestId('card-menu').click();
		await r.page.getByRole('menuitem', { name: 'Proposal' }).click();
		await expect(cardIn(r.page, 'Proposal', 'Rosa’s renewal')).toBeVisible();
		await expect(cardIn(o.page, 'Proposal', 'Rosa’s renewal')).toBeVisible();
		await screenshot(r.page, 'pipeline-09-own-records-agent');
	});

	expect(r.errors).toEqual([]);
	expect(o.errors).toEqual([]);
	await r.context.close();
	await o.context.close();
});
