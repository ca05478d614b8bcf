import { expect, test, type Page } from '@playwright/test';
import { addRefreshCookie, newPerson, registerViaApi, registerViaUi, watchPageErrors } from './helpers';

interface Stored {
	accessToken: string;
}

const stored = (page: Page) =>
	page.evaluate(() => JSON.parse(localStorage.getItem('neuracrm.auth') ?? 'null') as Stored | null);

// Tabs in one context share localStorage but may live in different renderer
// processes, where localStorage writes arrive late; this caught a double spend.
test('two tabs refresh their tokens once, together, and stay signed in', async ({
	browser,
	request
}) => {
	const context = await browser.newContext();
	// Time runs normally until we jump it forward to just before the access token expires.
	await context.clock.install();
	const tabA = await context.newPage();
	const tabB = await context.newPage();
	const errorsA = watchPageErrors(tabA);
	const errorsB = watchPageErrors(tabB);

	await registerViaUi(tabA, newPerson('Tom', 'Tabs'), 'Token Twins');
	await tabB.goto('/members');
	await expect(tabB.getByTestId('member-row')).toHaveCount(1);

	const refreshCalls: string[] = [];
	context.on('request', (req) => {
		if (new URL(req.url()).pathname === '/api/auth/refresh') refreshCalls.push(req.method());
	});
	const before = await stored(tabA);
	expect(before).not.toBeNull();

	// Access tokens live 15 minutes; both tabs schedule a refresh a minute before that.
	await context.clock.fastForward('14:30');
	await expect.poll(async () => (await stored(tabA))?.accessToken).not.toBe(before!.accessToken);
	const after = (await stored(tabA))!;
	await expect.poll(async () => (await stored(tabB))?.accessToken).toBe(after.accessToken);

	// Both tabs keep working with the new pair.
	await tabA.getByRole('link', { name: 'Members' }).click();
	await expect(tabA.getByTestId('member-row')).toHaveCount(1);
	await tabB.getByRole('link', { name: 'Dashboard', exact: true }).click();
	await expect(tabB.getByTestId('member-count')).toHaveText('1');
	expect(tabA.url()).not.toContain('/login');
	expect(tabB.url()).not.toContain('/login');

	// Exactly one rotation, and the family is intact: the cookie it left still refreshes.
	expect(refreshCalls).toEqual(['POST']);
	const cookie = (await context.cookies()).find((c) => c.name === 'neuracrm_refresh');
	const res = await request.post('/api/auth/refresh', { data: { refreshToken: cookie?.value } });
	expect(res.status()).toBe(200);
	expect([...errorsA, ...errorsB]).toEqual([]);
	await context.close();
});

test('a refused access token is refreshed once and the request retried', async ({
	page,
	request
}) => {
	const person = newPerson('Rex', 'Retry');
	const auth = await registerViaApi(request, person, 'Second Chances');
	// A stored access token the server refuses, and a good refresh cookie.
	await addRefreshCookie(page.context(), auth.refreshToken);
	await page.goto('/api/health');
	await page.evaluate(
		({ auth }) => {
			localStorage.setItem(
				'neuracrm.auth',
				JSON.stringify({
					accessToken: `${auth.accessToken}x`,
					expiresAt: Date.now() + 10 * 60_000,
					userId: auth.user.id,
					organizationId: auth.organization.id
				})
			);
		},
		{ auth }
	);

	const refused: string[] = [];
	const refreshes: number[] = [];
	page.on('response', (res) => {
		const path = new URL(res.url()).pathname;
		if (path === '/api/auth/refresh') refreshes.push(res.status());
		else if (path.startsWith('/api/') && res.status() === 401) refused.push(path);
	});
	await page.goto('/');
	await expect(page.getByTestId('welcome')).toContainText('Rex');
	await expect(page.getByTestId('org-switcher')).toContainText('Second Chances');
	expect(refused).toEqual(['/api/auth/me']);
	expect(refreshes).toEqual([200]);
});
