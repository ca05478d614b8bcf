import { expect, test, type Page } from '@playwright/test';
import {
	acceptAsNewAccount,
	inviteViaApi,
	newPerson,
	registerViaApi,
	registerViaUi,
	screenshot,
	watchPageErrors
} from './helpers';

test('signing in with a wrong password shows an error, the right one gets in', async ({
	page,
	request
}) => {
	const errors = watchPageErrors(page);
	const person = newPerson('Wanda', 'Wrong');
	await registerViaApi(request, person, 'Typo Ltd');

	await page.goto('/login');
	await page.getByLabel('Email address').fill(person.email);
	await page.getByLabel('Password').fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toContainText('Invalid email or password');
	await expect(page).toHaveURL(/\/login$/);
	await screenshot(page, '06-login-error');

	await page.getByLabel('Password').fill(person.password);
	const login = page.waitForResponse((res) => new URL(res.url()).pathname === '/api/auth/login');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByTestId('org-switcher')).toContainText('Typo Ltd');
	expect(errors).toEqual([]);

	// The refresh token lives in an HttpOnly cookie; nothing page scripts can read holds it.
	expect(((await (await login).json()) as { data: object }).data).not.toHaveProperty('refreshToken');
	const cookie = (await page.context().cookies()).find((c) => c.name === 'neuracrm_refresh');
	expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/auth' });
	const secret = cookie!.value.split('.')[1]!;
	expect(secret.length).toBeGreaterThan(20);
	const readable = JSON.stringify(await readableStorage(page));
	expect(readable).toContain('accessToken');
	expect(readable).not.toContain(secret);
	expect(readable).not.toContain('refreshToken');
});

/** Everything page scripts can read back: cookies, localStorage and every IndexedDB store. */
function readableStorage(page: Page) {
	return page.evaluate(async () => {
		const local = Object.keys(localStorage).map((key) => `${key}=${localStorage.getItem(key)}`);
		const databases: string[] = [];
		for (const { name } of await indexedDB.databases()) {
			if (!name) continue;
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const req = indexedDB.open(name);
				req.onsuccess = () => resolve(req.result);
				req.onerror = () => reject(req.error);
			});
			for (const store of Array.from(db.objectStoreNames)) {
				const rows = await new Promise<unknown[]>((resolve) => {
					const req = db.transaction(store).objectStore(store).getAll();
					req.onsuccess = () => resolve(req.result);
					req.onerror = () => resolve([]);
				});
				databases.push(`${name}/${store}:${JSON.stringify(rows)}`);
			}
			db.close();
		}
		return { cookies: document.cookie, local, databases };
	});
}

test('registration shows the server’s field errors', async ({ page }) => {
	const person = newPerson('Petra', 'Password');
	await page.goto('/register');
	await page.getByLabel('Your name').fill(person.name);
	await page.getByLabel('Work email').fill(person.email);
	await page.getByLabel('Password').fill('short');
	await page.getByLabel('Organization name').fill('Weak Co');
	await page.getByRole('button', { name: 'Create organization' }).click();
	await expect(page.getByTestId('field-error')).toContainText('at least 10 characters');
	await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
	await expect(page).toHaveURL(/\/register$/);
	await screenshot(page, '07-register-field-error');
});

test('signing out returns to the login page and locks the app', async ({ page }) => {
	const person = newPerson('Leo', 'Logout');
	await registerViaUi(page, person, 'Exit Strategies');

	await page.getByTestId('user-menu').first().click();
	await page.getByRole('button', { name: 'Sign out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.getByRole('heading', { name: 'Sign in to your account' })).toBeVisible();

	const stored = await page.evaluate(() => localStorage.getItem('neuracrm.auth'));
	expect(stored).toBeNull();
	await page.goto('/members');
	await expect(page).toHaveURL(/\/login/);
});

test('reloading keeps you signed in on the same page', async ({ page }) => {
	const errors = watchPageErrors(page);
	const person = newPerson('Rita', 'Reload');
	await registerViaUi(page, person, 'Refresh Partners');
	await page.goto('/members');
	await expect(page.getByTestId('member-row')).toHaveCount(1);

	// A second load of the same document is a conditional request (304): the page
	// must still boot under the CSP.
	await page.reload();
	await expect(page).toHaveURL(/\/members$/);
	await expect(page.getByRole('heading', { name: 'Members', level: 1 })).toBeVisible();
	await expect(page.getByTestId('member-row')).toHaveCount(1);
	expect(errors).toEqual([]);
});

test('a viewer sees the team but no invite form or member controls', async ({ page, request }) => {
	const owner = newPerson('Vera', 'Owner');
	const viewer = newPerson('Victor', 'Viewer');
	const org = await registerViaApi(request, owner, 'Read Only Inc');
	const link = await inviteViaApi(request, org.accessToken, viewer.email, 'viewer');

	await acceptAsNewAccount(page, link, viewer);
	await page.getByRole('link', { name: 'Members' }).click();
	const rows = page.getByTestId('member-row');
	await expect(rows).toHaveCount(2);
	await expect(rows.filter({ hasText: owner.email })).toContainText('Owner');
	await expect(page.getByTestId('invite-form')).toHaveCount(0);
	await expect(page.getByTestId('pending-invitations')).toHaveCount(0);
	await expect(page.getByRole('combobox')).toHaveCount(0);
	await expect(page.getByRole('button', { name: /Remove/ })).toHaveCount(0);
	await screenshot(page, '08-members-viewer');
});

test('on a phone the navigation lives behind a menu button', async ({ browser }) => {
	const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
	const page = await context.newPage();
	const person = newPerson('Mia', 'Mobile');
	await registerViaUi(page, person, 'Pocket Sales');
	await expect(page.getByRole('complementary', { name: 'Sidebar' })).toBeHidden();
	await screenshot(page, '09-mobile-dashboard');

	await page.getByRole('button', { name: 'Open navigation' }).click();
	const drawer = page.getByRole('dialog', { name: 'Navigation' });
	await expect(drawer.getByRole('link', { name: 'Members' })).toBeVisible();
	await screenshot(page, '10-mobile-drawer', { fullPage: false });
	await drawer.getByRole('link', { name: 'Members' }).click();
	await expect(page).toHaveURL(/\/members$/);
	await expect(drawer).toBeHidden();
	await context.close();
});
