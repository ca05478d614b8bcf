import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { acceptForTokens, signedInContext, type AuthTokens } from './board-helpers';
import { inviteViaApi, newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

async function call<T>(request: APIRequestContext, auth: AuthTokens, method: 'post' | 'patch', path: string, data: unknown): Promise<T> {
	const res = await request[method](path, { headers: { authorization: `Bearer ${auth.accessToken}` }, data });
	expect(res.ok(), `${method} ${path}: ${await res.text()}`).toBeTruthy();
	return ((await res.json()) as { data: T }).data;
}

const card = (page: Page, subject: string) => page.getByTestId('ticket-card').filter({ hasText: subject });

test('an agent who sees only their own tickets loses a reassigned ticket from the board and page live', async ({ browser, request }) => {
	const owner = (await registerViaApi(request, newPerson('Olga', 'Owner'), `Own Desk ${Date.now().toString(36)}`)) as AuthTokens;
	const invite = async (first: string) => {
		const person = newPerson(first, 'Agent');
		return acceptForTokens(request, await inviteViaApi(request, owner.accessToken, person.email, 'agent'), person);
	};
	const agent = await invite('Aaron');
	const other = await invite('Bea');
	await call(request, owner, 'patch', '/api/organizations/current', { settings: { recordVisibility: 'own' } });
	const mine = await call<{ id: string }>(request, owner, 'post', '/api/support/tickets', { subject: 'Router keeps rebooting', assigneeId: agent.user.id, requesterEmail: 'pat@example.com' });
	await call(request, owner, 'post', '/api/support/tickets', { subject: 'Payroll export broken', assigneeId: other.user.id, requesterEmail: 'sam@example.com' });

	const context = await signedInContext(browser, agent);
	const board = await context.newPage();
	const errors = watchPageErrors(board);
	await board.goto('/support');
	await expect(card(board, 'Router keeps rebooting')).toBeVisible();
	await expect(card(board, 'Payroll export broken')).toHaveCount(0);
	const detail = await context.newPage();
	await detail.goto(`/support/tickets/${mine.id}`);
	await expect(detail.getByTestId('ticket-number')).toBeVisible();

	// A manager hands the ticket to someone else: it leaves the agent's board and page without a reload.
	await call(request, owner, 'patch', `/api/support/tickets/${mine.id}`, { assigneeId: other.user.id });
	await expect(card(board, 'Router keeps rebooting')).toHaveCount(0);
	await expect(detail.getByRole('heading', { name: 'This ticket is no longer yours' })).toBeVisible();
	await screenshot(board, 'support-own-board');
	expect(errors).toEqual([]);
	await context.close();
});
