import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { acceptForTokens, signedInContext, type AuthTokens } from './board-helpers';
import { inviteViaApi, newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

interface Desk {
	owner: AuthTokens;
	agent: AuthTokens;
}

/** An organization with an owner (a manager of the desk) and one agent, set up through the API. */
async function seedDesk(request: APIRequestContext, name: string): Promise<Desk> {
	const owner = (await registerViaApi(request, newPerson('Olga', 'Owner'), `${name} ${Date.now().toString(36)}`)) as AuthTokens;
	const person = newPerson('Aaron', 'Agent');
	const link = await inviteViaApi(request, owner.accessToken, person.email, 'agent');
	const agent = await acceptForTokens(request, link, person);
	return { owner, agent };
}

async function apiCall<T>(request: APIRequestContext, auth: AuthTokens, method: 'get' | 'post' | 'put' | 'patch', path: string, data?: unknown): Promise<T> {
	const res = await request[method](path, { headers: { authorization: `Bearer ${auth.accessToken}` }, data });
	expect(res.ok(), `${method} ${path}: ${await res.text()}`).toBeTruthy();
	return ((await res.json()) as { data: T }).data;
}

async function createTicket(request: APIRequestContext, auth: AuthTokens, body: Record<string, unknown>) {
	return apiCall<{ id: string; number: number }>(request, auth, 'post', '/api/support/tickets', body);
}

/** SLA targets that never fall outside business hours, so a countdown always runs. */
async function roundTheClockSla(request: APIRequestContext, auth: AuthTokens) {
	await apiCall(request, auth, 'put', '/api/support/calendar', {
		timeZone: 'UTC',
		workingDays: [1, 2, 3, 4, 5, 6, 7],
		startMinute: 0,
		endMinute: 1440,
		holidays: []
	});
	for (const priority of ['normal', 'high']) {
		await apiCall(request, auth, 'put', '/api/support/sla-policies', { priority, firstResponseMinutes: 240, resolutionMinutes: 2880 });
	}
}

async function open(browser: Browser, auth: AuthTokens, path: string) {
	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto(path);
	return { context, page, errors };
}

function card(page: Page, subject: string) {
	return page.getByTestId('ticket-card').filter({ hasText: subject });
}

function sidebarBell(page: Page) {
	return page.getByRole('complementary', { name: 'Sidebar' }).getByTestId('notification-bell');
}

test('an assignment by one agent shows on the other agent’s board live', async ({ browser, request }) => {
	const desk = await seedDesk(request, 'Live Desk');
	await roundTheClockSla(request, desk.owner);
	const subject = 'Printer on fire in the lobby';
	const ticket = await createTicket(request, desk.owner, { subject, description: 'Smoke everywhere', priority: 'high', requesterEmail: 'pat@example.com' });

	const b = await open(browser, desk.agent, '/support');
	const a = await open(browser, desk.owner, `/support/tickets/${ticket.id}`);

	// B's board shows the ticket unassigned, in "New", with a live SLA countdown.
	await expect(b.page.locator('[data-testid="ticket-column"][data-status="new"]').getByText(subject)).toBeVisible();
	await expect(card(b.page, subject)).toHaveAttribute('data-assignee-id', '');
	await expect(card(b.page, subject).getByTestId('sla-countdown')).toBeVisible();
	await expect(sidebarBell(b.page)).toBeVisible();

	// A hands it to B from the ticket page.
	await a.page.getByTestId('prop-assignee').selectOption({ label: desk.agent.user.name });

	// B's board updates without a reload: assignee set, card moved to "Open".
	await expect(card(b.page, subject)).toHaveAttribute('data-assignee-id', desk.agent.user.id);
	await expect(card(b.page, subject).getByText(`Assigned to ${desk.agent.user.name}`)).toBeAttached();
	await expect(b.page.locator('[data-testid="ticket-column"][data-status="open"]').getByText(subject)).toBeVisible();
	// …and B was notified.
	await expect(sidebarBell(b.page).getByTestId('notification-count')).toHaveText('1');

	// "My open tickets" now lists it; a second ticket assigned while B watches that view appears live too.
	await b.page.getByTestId('view-tab').filter({ hasText: 'My open tickets' }).click();
	await expect(card(b.page, subject)).toBeVisible();
	const second = await createTicket(request, desk.owner, { subject: 'Second floor Wi-Fi down', requesterEmail: 'sam@example.com' });
	await expect(card(b.page, 'Second floor Wi-Fi down')).toHaveCount(0);
	await apiCall(request, desk.owner, 'patch', `/api/support/tickets/${second.id}`, { assigneeId: desk.agent.user.id });
	await expect(card(b.page, 'Second floor Wi-Fi down')).toBeVisible();
	await screenshot(b.page, 'support-board');

	// Dragging a card to another column changes the ticket's status.
	await card(b.page, 'Second floor Wi-Fi down').dragTo(b.page.locator('[data-testid="ticket-column"][data-status="pending"]'));
	await expect(b.page.locator('[data-testid="ticket-column"][data-status="pending"]').getByText('Second floor Wi-Fi down')).toBeVisible();
	await expect
		.poll(async () => (await apiCall<{ status: string }>(request, desk.owner, 'get', `/api/support/tickets/${second.id}`)).status)
		.toBe('pending');

	// The list view shows the same tickets in a sortable table.
	await b.page.getByRole('button', { name: 'List' }).click();
	await expect(b.page.getByTestId('ticket-row')).toHaveCount(2);
	await b.page.getByRole('button', { name: '#' }).click();
	await expect(b.page.getByTestId('ticket-row').first()).toContainText(`#${ticket.number}`);
	await b.page.getByRole('button', { name: '#' }).click();
	await expect(b.page.getByTestId('ticket-row').first()).toContainText(`#${second.number}`);
	await screenshot(b.page, 'support-list');

	// The bell lists the assignment and leads to the ticket.
	await sidebarBell(b.page).click();
	const marked = b.page.waitForResponse((r) => /\/api\/notifications\/[^/]+\/read$/.test(r.url()));
	await b.page.getByTestId('notification-item').filter({ hasText: `#${ticket.number}` }).click();
	const markedRes = await marked;
	expect(markedRes.status(), await markedRes.text()).toBe(200);
	await expect(b.page).toHaveURL(new RegExp(`/support/tickets/${ticket.id}$`));
	await expect(sidebarBell(b.page).getByTestId('notification-count')).toHaveText('1');
	await sidebarBell(b.page).click();
	await b.page.getByRole('button', { name: 'Mark all read' }).click();
	await expect(sidebarBell(b.page).getByTestId('notification-count')).toHaveCount(0);

	expect(a.errors).toEqual([]);
	expect(b.errors).toEqual([]);
	await a.context.close();
	await b.context.close();
});

test('two agents on one ticket see each other, and who is replying', async ({ browser, request }) => {
	const desk = await seedDesk(request, 'Presence Desk');
	const ticket = await createTicket(request, desk.owner, { subject: 'Refund for order 5521', requesterEmail: 'kim@example.com' });

	const a = await open(browser, desk.owner, `/support/tickets/${ticket.id}`);
	const b = await open(browser, desk.agent, `/support/tickets/${ticket.id}`);

	const viewerOn = (page: Page, name: string) => page.getByTestId('presence-viewer').filter({ hasText: name });
	await expect(viewerOn(a.page, desk.agent.user.name)).toBeVisible();
	await expect(viewerOn(b.page, desk.owner.user.name)).toBeVisible();
	await expect(viewerOn(a.page, desk.owner.user.name)).toHaveCount(0);

	// B starts typing a reply: A is warned before writing a second answer.
	await b.page.getByTestId('reply-body').fill('Hi Kim, the refund is on its way.');
	await expect(viewerOn(a.page, desk.agent.user.name)).toHaveAttribute('data-activity', 'replying');
	await expect(a.page.getByTestId('replying-warning')).toContainText(`${desk.agent.user.name} is replying`);

	// B leaves: A's list empties.
	await b.page.goto('/support');
	await expect(viewerOn(a.page, desk.agent.user.name)).toHaveCount(0);
	await expect(a.page.getByTestId('replying-warning')).toHaveCount(0);

	expect(a.errors).toEqual([]);
	expect(b.errors).toEqual([]);
	await a.context.close();
	await b.context.close();
});

test('ticket lifecycle in the app: create, reply, note, attach, solve', async ({ browser, request }) => {
	const desk = await seedDesk(request, 'Lifecycle Desk');
	await roundTheClockSla(request, desk.owner);
	const { context, page, errors } = await open(browser, desk.owner, '/support');

	await page.getByRole('link', { name: 'New ticket' }).click();
	await expect(page).toHaveURL(/\/support\/new$/);
	await page.getByLabel('Subject').fill('Cannot log in after password reset');
	await page.getByLabel('Description').fill('The reset link says it expired immediately.');
	await page.getByRole('button', { name: 'Email address' }).click();
	await page.getByLabel('Requester email').fill('lee@example.com');
	await page.getByLabel('Requester name').fill('Lee Jordan');
	await page.getByLabel('Priority').selectOption('high');
	await screenshot(page, 'support-new');
	await page.getByRole('button', { name: 'Create ticket' }).click();

	await expect(page).toHaveURL(/\/support\/tickets\/[\w-]+$/);
	await expect(page.getByTestId('ticket-subject')).toHaveText('Cannot log in after password reset');
	await expect(page.getByTestId('ticket-status')).toHaveText('New');
	const countdown = page.getByTestId('sla-countdown').first();
	await expect(countdown).toBeVisible();
	await expect(countdown).toContainText('left');
	await expect(countdown).toHaveAttribute('data-sla-state', 'ok');
	await expect(page.getByTestId('requester-card')).toContainText('Lee Jordan');

	// A public reply with a file: the first response opens the ticket.
	await page.getByTestId('reply-body').fill('Sorry about that, Lee. Could you try the attached steps?');
	await page.getByTestId('attach-input').setInputFiles({ name: 'steps.txt', mimeType: 'text/plain', buffer: Buffer.from('1. Clear cookies\n2. Retry') });
	await page.getByRole('button', { name: 'Send reply' }).click();
	const reply = page.getByTestId('comment').filter({ hasText: 'Could you try the attached steps?' });
	await expect(reply).toHaveAttribute('data-kind', 'public');
	await expect(reply.getByTestId('attachments')).toContainText('steps.txt');
	await expect(page.getByTestId('ticket-status')).toHaveText('Open');

	// The file downloads through the authorized route.
	const download = page.waitForEvent('download');
	await reply.getByRole('button', { name: /steps\.txt/ }).click();
	expect((await download).suggestedFilename()).toBe('steps.txt');

	// An internal note, visibly different.
	await page.getByRole('tab', { name: 'Internal note' }).click();
	await page.getByTestId('reply-body').fill('Looks like the token TTL regression from Tuesday.');
	await page.getByRole('button', { name: 'Add note' }).click();
	const note = page.getByTestId('comment').filter({ hasText: 'token TTL regression' });
	await expect(note).toHaveAttribute('data-kind', 'internal');
	await expect(note).toContainText('Internal note');
	await screenshot(page, 'support-ticket');

	// Solve: the countdown stops and history records the change.
	await page.getByTestId('prop-status').selectOption('solved');
	await expect(page.getByTestId('ticket-status')).toHaveText('Solved');
	await expect(page.getByText(/^Solved /)).toBeVisible();
	await page.getByRole('tab', { name: 'History' }).click();
	await expect(page.getByTestId('ticket-history')).toContainText('status: Open → Solved');

	// The board has it under "Solved".
	await page.getByRole('link', { name: 'Support', exact: true }).first().click();
	await expect(page.locator('[data-testid="ticket-column"][data-status="solved"]').getByText('Cannot log in after password reset')).toBeVisible();

	// Managers' pages render (looked at as screenshots).
	await page.goto('/support/settings');
	await expect(page.getByTestId('inbound-address')).toContainText('@');
	await screenshot(page, 'support-settings');
	await page.goto('/support/analytics');
	await expect(page.getByTestId('analytics-tiles')).toContainText('Created');
	await expect(page.getByTestId('analytics-tiles')).toContainText('1');
	await screenshot(page, 'support-analytics');

	expect(errors).toEqual([]);
	await context.close();
});
