import { expect, test, type APIRequestContext } from '@playwright/test';
import { startOpenAiFake } from '../fakes/openai-fake';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

let fake: Awaited<ReturnType<typeof startOpenAiFake>>;

test.beforeAll(async () => {
	fake = await startOpenAiFake();
});

test.afterAll(async () => {
	await fake.close();
});

async function call<T>(request: APIRequestContext, auth: AuthTokens, method: 'get' | 'post' | 'put', path: string, data?: unknown): Promise<T> {
	const res = await request[method](path, { headers: { authorization: `Bearer ${auth.accessToken}` }, data });
	expect(res.ok(), `${method} ${path}: ${await res.text()}`).toBeTruthy();
	return ((await res.json()) as { data: T }).data;
}

/** Queues what the fake "model" answers next on this key's lane. */
async function scriptDraft(key: string, text: string) {
	const res = await fetch(`${fake.url}/__script`, { method: 'POST', body: JSON.stringify({ key, steps: [{ text }] }) });
	expect(res.ok).toBeTruthy();
}

test('an agent drafts a reply from the ticket and a published article, edits it and sends it', async ({ browser, request, baseURL }) => {
	const owner = (await registerViaApi(request, newPerson('Olga', 'Owner'), `Draft Desk ${Date.now().toString(36)}`)) as AuthTokens;
	const { slug: orgSlug } = await call<{ slug: string }>(request, owner, 'get', '/api/organizations/current');
	const article = await call<{ id: string; slug: string; title: string }>(request, owner, 'post', '/api/support/knowledge-base/articles', {
		title: 'Download your invoices',
		body: 'Open **Billing**, then **Invoices**, and press Download next to the month you need.',
		status: 'published'
	});
	const ticket = await call<{ id: string }>(request, owner, 'post', '/api/support/tickets', {
		subject: 'Where are my invoices?',
		description: 'Hello, I need to download my invoices for last year. Where do I find them?',
		requesterName: 'Pat Requester',
		requesterEmail: 'pat@example.com'
	});

	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const problems = watchPageErrors(page);

	// With AI off, the button says what to set instead of drafting.
	await page.goto(`/support/tickets/${ticket.id}`);
	await page.getByTestId('draft-reply').click();
	const setup = page.getByTestId('draft-setup');
	await expect(setup).toBeVisible();
	await expect(setup).toContainText('Turn on AI');
	await expect(setup).toContainText('Settings → AI');
	await expect(setup.getByTestId('ai-setup-link')).toHaveAttribute('href', '/settings/ai');
	await expect(page.getByTestId('reply-body')).toHaveValue('');
	await screenshot(page, 'ai-ticket-draft-off', { fullPage: false });

	// The owner points the organization at an OpenAI-compatible server (the fake).
	const key = `sk-e2e-draft-${Date.now().toString(36)}`;
	await call(request, owner, 'put', '/api/ai/settings', { apiKey: key, baseUrl: `${fake.url}/v1`, chatModel: 'fake-chat-1' });
	await scriptDraft(
		key,
		`Hi Pat,\n\nYou can download every invoice from Billing, then Invoices: press Download next to the month you need [[kb_article:${article.id}]].\n\nLet us know if a month is missing.`
	);

	await page.reload();
	await page.getByTestId('draft-reply').click();
	const link = `${baseURL}/help/${orgSlug}/articles/${article.slug}`;
	const reply = page.getByTestId('reply-body');
	await expect(reply).toHaveValue(
		`Hi Pat,\n\nYou can download every invoice from Billing, then Invoices: press Download next to the month you need ${link}.\n\nLet us know if a month is missing.`
	);
	const sources = page.getByTestId('draft-sources');
	await expect(sources).toContainText('Based on:');
	const source = sources.getByRole('link', { name: 'Download your invoices' });
	await expect(source).toHaveAttribute('href', `/support/knowledge-base/${article.id}`);
	await expect(page.getByTestId('draft-stop')).toHaveCount(0);
	await screenshot(page, 'ai-ticket-draft-done');

	// What the model read: the ticket's words and the article, as data.
	const sent = (await (await fetch(`${fake.url}/__requests?key=${encodeURIComponent(key)}`)).json()) as { body: { messages: { content: string }[] } }[];
	expect(sent).toHaveLength(1);
	expect(sent[0]!.body.messages[1]!.content).toContain('I need to download my invoices for last year');
	expect(sent[0]!.body.messages[1]!.content).toContain(`[[kb_article:${article.id}]]`);

	// Nothing was sent by the draft itself: the agent edits it and sends it as a normal reply.
	expect((await call<{ comments: unknown[] }>(request, owner, 'get', `/api/support/tickets/${ticket.id}`)).comments).toEqual([]);
	const edited = (await reply.inputValue()).replace('Let us know if a month is missing.', 'Tell me if a month is missing and I will add it.');
	await reply.fill(edited);
	await page.getByRole('button', { name: 'Send reply', exact: true }).click();
	await expect(reply).toHaveValue('');
	await expect(page.getByTestId('draft-sources')).toHaveCount(0);
	await expect(page.getByText('Tell me if a month is missing and I will add it.')).toBeVisible();
	const after = await call<{ comments: { kind: string; body: string }[] }>(request, owner, 'get', `/api/support/tickets/${ticket.id}`);
	expect(after.comments).toEqual([expect.objectContaining({ kind: 'public', body: edited })]);
	await screenshot(page, 'ai-ticket-draft-sent');

	// With the agent's own text in the box, a new draft asks where it goes; "Add below" keeps their words.
	await scriptDraft(key, 'Your invoices for last year are all available now.');
	await reply.fill('Quick update:');
	await page.getByTestId('draft-wishes').click();
	await page.getByTestId('draft-wishes-panel').getByRole('button', { name: 'Shorter' }).click();
	const placement = page.getByTestId('draft-placement');
	await expect(placement).toBeVisible();
	await screenshot(page, 'ai-ticket-draft-placement', { fullPage: false });
	await placement.getByRole('button', { name: 'Add below' }).click();
	await expect(reply).toHaveValue('Quick update:\n\nYour invoices for last year are all available now.');
	await expect(page.getByTestId('draft-sources')).toContainText('cites no knowledge-base article');
	const second = (await (await fetch(`${fake.url}/__requests?key=${encodeURIComponent(key)}`)).json()) as { body: { messages: { content: string }[] } }[];
	expect(second).toHaveLength(2);
	expect(second[1]!.body.messages[1]!.content).toContain('The agent asks for this draft: Shorter');

	expect(problems).toEqual([]);
	await context.close();
});
