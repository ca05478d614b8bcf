import { expect, test, type APIRequestContext } from '@playwright/test';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

async function apiCall<T>(request: APIRequestContext, auth: AuthTokens, method: 'get' | 'post' | 'patch', path: string, data?: unknown): Promise<T> {
	const res = await request[method](path, { headers: { authorization: `Bearer ${auth.accessToken}` }, data });
	expect(res.ok(), `${method} ${path}: ${await res.text()}`).toBeTruthy();
	return ((await res.json()) as { data: T }).data;
}

/** A customer's reply, delivered to the Email Worker the way Email Routing does (wrangler dev's email handler). */
async function mailReply(request: APIRequestContext, to: string, ticket: { number: number; threadToken: string }, text: string) {
	const raw = [
		'From: Pat Doe <pat@example.com>',
		`To: ${to}`,
		`Subject: Re: Invoice for March [#${ticket.number}-${ticket.threadToken}]`,
		`Message-ID: <${crypto.randomUUID()}@mail.example.com>`,
		`Date: ${new Date().toUTCString()}`,
		'MIME-Version: 1.0',
		'Content-Type: text/plain; charset=utf-8',
		'',
		text,
		''
	].join('\r\n');
	const res = await request.post(`/cdn-cgi/handler/email?from=${encodeURIComponent('pat@example.com')}&to=${encodeURIComponent(to)}`, { data: raw });
	expect(res.ok(), await res.text()).toBeTruthy();
}

test('a ticket turns negative live when the customer’s angry reply arrives by mail, and the escalation shows', async ({ browser, request }) => {
	const owner = (await registerViaApi(request, newPerson('Sofia', 'Support'), `Tone Desk ${Date.now().toString(36)}`)) as AuthTokens;
	const settings = await apiCall<{ inboundAddress: string }>(request, owner, 'patch', '/api/support/settings', {
		sentimentEscalation: { enabled: true, threshold: -0.3, raisePriority: true, notifyTeamLead: true }
	});
	const { slug } = await apiCall<{ slug: string }>(request, owner, 'get', '/api/organizations/current');

	// The customer opens the ticket from the help center with a plain question.
	const submitted = await request.post(`/api/help/${slug}/tickets`, {
		data: { name: 'Pat Doe', email: 'pat@example.com', subject: 'Invoice for March', message: 'Hi, could you send me the invoice for March to our finance address?' }
	});
	expect(submitted.status()).toBe(201);
	const [ticket] = await apiCall<{ id: string; number: number; threadToken: string }[]>(request, owner, 'get', '/api/support/tickets');

	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto(`/support/tickets/${ticket!.id}`);
	const card = page.getByTestId('ticket-sentiment');
	const ticketHeader = page.locator('header', { has: page.getByTestId('ticket-number') });
	// The first page of a fresh server compiles and loads the app: give it time on a busy machine.
	await expect(page.getByTestId('ticket-number')).toHaveText(`#${ticket!.number}`, { timeout: 30_000 });
	await expect(card.getByTestId('sentiment-badge')).toHaveAttribute('data-label', 'neutral');
	await expect(card).toContainText('1 message');
	await expect(ticketHeader.getByText('Normal', { exact: true })).toBeVisible();
	await screenshot(page, 'ticket-sentiment-before');

	await mailReply(request, settings.inboundAddress, ticket!, 'This is unacceptable. The invoice is wrong for the third time and nobody answers. I am very frustrated!');

	// No reload: the escalation's insight pops up (checked first: its toast leaves after a few seconds),
	// and the room's ticket_updated brings the judged reply, the rollup and the raised priority.
	await expect(page.getByText(`#${ticket!.number} turned negative`)).toBeVisible();
	await expect(card.getByTestId('sentiment-badge')).toHaveAttribute('data-label', 'negative');
	await expect(card.getByTestId('sentiment-trend')).toHaveAttribute('data-trend', 'worsening');
	await expect(card).toContainText('2 messages');
	const reply = page.getByTestId('comment').filter({ hasText: 'The invoice is wrong for the third time' });
	await expect(reply.getByTestId('sentiment-badge')).toHaveAttribute('data-label', 'negative');
	await expect(ticketHeader.getByText('High', { exact: true })).toBeVisible();
	await screenshot(page, 'ticket-sentiment-negative');

	await page.goto('/support?mode=list');
	const row = page.getByTestId('ticket-row').filter({ hasText: 'Invoice for March' });
	await expect(row.getByTestId('sentiment-badge')).toHaveAttribute('data-label', 'negative');
	await screenshot(page, 'ticket-sentiment-list');

	await page.goto('/support/settings');
	await expect(page.getByTestId('escalation-enabled')).toBeChecked();
	await expect(page.getByRole('radio', { name: /Built-in \(VADER\)/ })).toBeChecked();
	await page.getByRole('heading', { name: 'Customer sentiment' }).scrollIntoViewIfNeeded();
	await screenshot(page, 'ticket-sentiment-settings');
	expect(errors).toEqual([]);
	await context.close();
});
