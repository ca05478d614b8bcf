import { expect, test, type Page } from '@playwright/test';
import { acceptForTokens, card, cardIn, createDealViaApi, defaultPipelineViaApi, dragCard, signedInContext, type AuthTokens } from './board-helpers';
import { inviteViaApi, newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

// The board shows every stage side by side, Negotiation included.
test.use({ viewport: { width: 1600, height: 1000 } });

const DEAL = 'Globex platform renewal';
const TASK = `Prepare the negotiation pack for ${DEAL}`;

/** Adds a step of `type` at the end of the workflow's top-level actions. */
async function addAction(page: Page, type: string) {
	await page.getByTestId('actions-section').getByTestId('add-action').last().click();
	await page.getByTestId(`action-type-${type}`).click();
	return page.getByTestId('action-card').last();
}

test('a workflow built in the app runs when a deal enters Negotiation on the board: a task for its owner, a notification for the manager, and a run log', async ({ browser, request }) => {
	test.setTimeout(180_000);
	const owner = (await registerViaApi(request, newPerson('Olivia', 'Owner'), `Automation ${Date.now().toString(36)}`)) as AuthTokens;
	const managerPerson = newPerson('Mason', 'Manager');
	const manager = await acceptForTokens(request, await inviteViaApi(request, owner.accessToken, managerPerson.email, 'manager'), managerPerson);
	const pipeline = await defaultPipelineViaApi(request, owner.accessToken);
	expect(pipeline.stages.some((s) => s.name === 'Negotiation'), 'the default pipeline has a Negotiation stage').toBe(true);
	await createDealViaApi(request, owner.accessToken, { title: DEAL, amount: 48_000, stageId: pipeline.stages[0]!.id, pipelineId: pipeline.id });

	const ownerContext = await signedInContext(browser, owner);
	const page = await ownerContext.newPage();
	const errors = watchPageErrors(page);
	const managerContext = await signedInContext(browser, manager);
	const managerPage = await managerContext.newPage();
	const managerErrors = watchPageErrors(managerPage);

	await test.step('an empty Automation section explains what workflows do', async () => {
		await page.goto('/');
		await page.getByRole('complementary', { name: 'Sidebar' }).getByRole('link', { name: 'Automation' }).click();
		await expect(page).toHaveURL(/\/automation$/);
		await expect(page.getByTestId('workflows-empty')).toContainText('No workflows yet');
		await screenshot(page, 'automation-01-empty');
	});

	await test.step('the owner builds the workflow with clicks: trigger, a task for the owner, a notification for managers', async () => {
		await page.getByTestId('new-workflow').click();
		await expect(page).toHaveURL(/\/automation\/workflows\/new$/);
		await page.getByTestId('workflow-name').fill('Negotiation follow-up');

		await page.getByTestId('trigger-kind').selectOption({ label: 'Deal entered a stage' });
		await page.getByTestId('trigger-stage').selectOption({ label: 'Negotiation' });
		await expect(page.getByTestId('trigger-summary')).toHaveText('When a deal enters Negotiation');

		const task = await addAction(page, 'create_task');
		await task.getByTestId('task-title').fill('Prepare the negotiation pack for ');
		await task.getByTestId('insert-field').first().click();
		await task.getByRole('menuitem', { name: /^Title/ }).click();
		await expect(task.getByTestId('task-title')).toHaveValue('Prepare the negotiation pack for {{title}}');
		await task.getByTestId('task-due').fill('2');
		await expect(task.getByTestId('task-assignee')).toHaveValue('record_owner');

		const notify = await addAction(page, 'notify');
		await notify.getByTestId('add-recipient').selectOption({ label: 'Every manager' });
		await expect(notify.getByTestId('recipients')).toContainText('Every manager');
		await notify.getByTestId('notify-title').fill('{{title}} entered Negotiation');

		await screenshot(page, 'automation-02-builder');
		await page.getByTestId('save-workflow').click();
		await expect(page).toHaveURL(/\/automation\/workflows\/(?!new)[^/?]+$/);
		await expect(page.getByTestId('workflow-title')).toHaveText('Negotiation follow-up');
	});

	await test.step('the owner turns it on', async () => {
		const toggle = page.getByTestId('workflow-enabled');
		await expect(toggle).toHaveAttribute('aria-checked', 'false');
		await toggle.click();
		await expect(toggle).toHaveAttribute('aria-checked', 'true');
		await page.goto('/automation');
		const row = page.getByTestId('workflow-row').filter({ hasText: 'Negotiation follow-up' });
		await expect(row.getByTestId('workflow-trigger')).toContainText('When a deal enters Negotiation');
		await expect(row.getByTestId('workflow-enabled')).toHaveAttribute('aria-checked', 'true');
		await screenshot(page, 'automation-03-list');
	});

	await test.step('the manager is on the dashboard with no notifications', async () => {
		await managerPage.goto('/');
		await expect(managerPage.getByTestId('welcome')).toBeVisible();
		await expect(managerPage.getByTestId('notification-count')).toHaveCount(0);
	});

	await test.step('the owner moves the deal to Negotiation on the board', async () => {
		await page.goto('/pipeline');
		await expect(card(page, DEAL)).toBeVisible();
		await dragCard(page, card(page, DEAL), 'Negotiation');
		await expect(cardIn(page, 'Negotiation', DEAL)).toBeVisible();
	});

	await test.step('the manager gets the notification live', async () => {
		const bell = managerPage.getByRole('complementary', { name: 'Sidebar' }).getByTestId('notification-bell');
		await expect(bell.getByTestId('notification-count')).toHaveText('1', { timeout: 60_000 });
		await bell.click();
		await expect(managerPage.getByTestId('notification-item').first()).toContainText(`${DEAL} entered Negotiation`);
		await screenshot(managerPage, 'automation-04-manager-notified', { fullPage: false });
	});

	await test.step('the task shows on the deal’s timeline, for its owner', async () => {
		await card(page, DEAL).getByTestId('deal-title').click();
		await expect(page).toHaveURL(/\/deals\//);
		const taskEntry = page.getByTestId('activity').filter({ hasText: TASK });
		await expect(taskEntry).toBeVisible({ timeout: 30_000 });
		await expect(taskEntry).toHaveAttribute('data-type', 'task');
		await screenshot(page, 'automation-05-deal-task');
	});

	await test.step('the run log shows the run and each step succeeded', async () => {
		await page.goto('/automation');
		await page.getByRole('link', { name: 'Negotiation follow-up' }).click();
		await page.getByTestId('workflow-tab-runs').click();
		const run = page.getByTestId('run-row').first();
		await expect(run.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
		await screenshot(page, 'automation-06-runs');
		await run.getByTestId('open-run').click();
		await expect(page.getByTestId('run-detail').getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
		const steps = page.getByTestId('run-step');
		await expect(steps).toHaveCount(2);
		await expect(steps.nth(0)).toHaveAttribute('data-step-type', 'create_task');
		await expect(steps.nth(0)).toHaveAttribute('data-step-status', 'succeeded');
		await expect(steps.nth(1)).toHaveAttribute('data-step-type', 'notify');
		await expect(steps.nth(1)).toHaveAttribute('data-step-status', 'succeeded');
		await steps.nth(0).locator('summary').click();
		await expect(steps.nth(0)).toContainText('Prepare the negotiation pack for {{title}}');
		await expect(steps.nth(0)).toContainText('"created": true');
		await screenshot(page, 'automation-07-run-steps');
	});

	expect(errors).toEqual([]);
	expect(managerErrors).toEqual([]);
	await ownerContext.close();
	await managerContext.close();
});
