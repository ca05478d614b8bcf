import { expect, test, type APIRequestContext } from '@playwright/test';
import { acceptForTokens, card, signedInContext, type AuthTokens } from './board-helpers';
import { inviteViaApi, newPerson, registerViaApi, watchPageErrors } from './helpers';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function call<T>(request: APIRequestContext, token: string, method: 'post' | 'patch', path: string, data: unknown): Promise<T> {
	const res = await request[method](path, { headers: auth(token), data });
	expect(res.status(), await res.text()).toBeLessThan(300);
	return ((await res.json()) as { data: T }).data;
}

async function newOrg(request: APIRequestContext, name: string) {
	return (await registerViaApi(request, newPerson('Lina', 'Live'), `${name} ${Date.now().toString(36)}`)) as unknown as AuthTokens;
}

async function addMember(request: APIRequestContext, owner: AuthTokens, first: string, role: string) {
	const person = newPerson(first, role);
	return acceptForTokens(request, await inviteViaApi(request, owner.accessToken, person.email, role), person);
}

async function open(browser: import('@playwright/test').Browser, who: AuthTokens, path: string) {
	const context = await signedInContext(browser, who);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto(path);
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online');
	return { context, page, errors };
}

test('lists show linked names, and a record timeline refreshes live when someone adds an activity', async ({ browser, request }) => {
	const owner = await newOrg(request, 'Live Records');
	const company = await call<{ id: string }>(request, owner.accessToken, 'post', '/api/companies', { name: 'Initech' });
	const contact = await call<{ id: string }>(request, owner.accessToken, 'post', '/api/contacts', {
		firstName: 'Peter',
		lastName: 'Gibbons',
		companyId: company.id
	});
	const deal = await call<{ id: string }>(request, owner.accessToken, 'post', '/api/deals', {
		title: 'TPS reports',
		contactId: contact.id,
		companyId: company.id
	});

	const { context, page, errors } = await open(browser, owner, '/contacts');
	const row = page.getByRole('row').filter({ hasText: 'Peter Gibbons' });
	await expect(row).toContainText('Initech');

	await page.goto(`/companies/${company.id}`);
	await expect(page.getByTestId('linked-deal')).toContainText('TPS reports');
	await expect(page.getByTestId('linked-deal-contact')).toContainText('Peter Gibbons');

	await page.goto(`/contacts/${contact.id}`);
	await expect(page.getByTestId('activities-empty')).toBeVisible();
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online');
	// Someone else (here: the API) logs a call; the open timeline shows it without a reload.
	await call(request, owner.accessToken, 'post', '/api/activities', {
		type: 'call',
		subject: 'Asked about the stapler',
		contactId: contact.id,
		dealId: deal.id
	});
	const entry = page.getByTestId('activity').filter({ hasText: 'Asked about the stapler' });
	await expect(entry).toBeVisible();
	// The entry names the other record it is about.
	await expect(entry.getByTestId('activity-link')).toHaveText('TPS reports');
	expect(errors).toEqual([]);
	await context.close();
});

test("an agent's own-records board drops a deal reassigned away and shows one assigned to them, live", async ({ browser, request }) => {
	const owner = await newOrg(request, 'Own Board');
	const agent = await addMember(request, owner, 'Andy', 'agent');
	await call(request, owner.accessToken, 'patch', '/api/organizations/current', { settings: { recordVisibility: 'own' } });
	await call(request, agent.accessToken, 'post', '/api/deals', { title: 'Leaving soon' });
	const incoming = await call<{ id: string }>(request, owner.accessToken, 'post', '/api/deals', { title: 'Coming over' });
	await call(request, agent.accessToken, 'post', '/api/deals', { title: 'Stays mine' });

	const { context, page, errors } = await open(browser, agent, '/pipeline');
	await expect(card(page, 'Leaving soon')).toBeVisible();
	await expect(card(page, 'Coming over')).toHaveCount(0);

	const deals = (await (await request.get('/api/deals', { headers: auth(agent.accessToken) })).json()) as { data: { id: string; title: string }[] };
	const mine = deals.data.find((d) => d.title === 'Leaving soon')!;
	await call(request, owner.accessToken, 'patch', `/api/deals/${mine.id}`, { ownerId: owner.user.id });
	await expect(card(page, 'Leaving soon')).toHaveCount(0);
	await call(request, owner.accessToken, 'patch', `/api/deals/${incoming.id}`, { ownerId: agent.user.id });
	await expect(card(page, 'Coming over')).toBeVisible();
	await expect(card(page, 'Stays mine')).toBeVisible();
	expect(errors).toEqual([]);
	await context.close();
});
