import { expect, test } from '@playwright/test';
import { inviteViaApi, newPerson, registerViaApi, registerViaUi, screenshot } from './helpers';

test('an existing account joins with one click when signed in, or with its password', async ({
	browser,
	request
}) => {
	const ada = newPerson('Ada', 'Existing');
	const host = newPerson('Hugo', 'Host');
	const hostAuth = await registerViaApi(request, host, 'Host Labs');
	const other = await registerViaApi(request, newPerson('Olga', 'Other'), 'Other Works');

	// Signed in as the invited email: one click.
	const signedIn = await browser.newContext();
	const page = await signedIn.newPage();
	await registerViaUi(page, ada, 'Ada Analytics');
	const link = await inviteViaApi(request, hostAuth.accessToken, ada.email, 'manager');
	await page.goto(new URL(link).pathname);
	await expect(page.getByTestId('invite-title')).toHaveText(
		`${host.name} invited you to Host Labs as manager`
	);
	await expect(page.getByLabel('Password')).toHaveCount(0);
	await screenshot(page, '16-invite-one-click', { fullPage: false });
	await page.getByRole('button', { name: 'Join Host Labs' }).click();
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByTestId('org-switcher')).toContainText('Host Labs');
	await expect(page.getByTestId('org-switcher')).toContainText('Manager');
	await signedIn.close();

	// Signed out: the account proves itself with its password.
	const fresh = await browser.newContext();
	const guest = await fresh.newPage();
	const second = await inviteViaApi(request, other.accessToken, ada.email, 'viewer');
	await guest.goto(new URL(second).pathname);
	// The page is not told that the email has an account: the visitor says which they are.
	await guest.getByRole('button', { name: 'Sign in with your password' }).click();
	await expect(guest.getByText(`Enter the password for ${ada.email} to join.`)).toBeVisible();
	await expect(guest.getByLabel('Your name')).toHaveCount(0);
	await guest.getByRole('button', { name: 'Create an account' }).click();
	// Choosing "new" by mistake: the password is checked as the account's, and the page says so.
	await guest.getByLabel('Your name').fill(ada.name);
	await guest.getByLabel('Choose a password').fill('wrong-password-456');
	await guest.getByRole('button', { name: 'Create account and join' }).click();
	await expect(guest.getByRole('alert')).toContainText(`${ada.email} already has an account`);
	await expect(guest.getByLabel('Your name')).toHaveCount(0);
	await guest.getByLabel('Password').fill('wrong-password-123');
	await guest.getByRole('button', { name: 'Sign in and join' }).click();
	await expect(guest.getByRole('alert')).toBeVisible();
	await guest.getByLabel('Password').fill(ada.password);
	await guest.getByRole('button', { name: 'Sign in and join' }).click();
	await expect(guest).toHaveURL(/\/$/);
	await expect(guest.getByTestId('org-switcher')).toContainText('Other Works');
	await guest.getByTestId('org-switcher').click();
	await expect(guest.getByRole('list', { name: 'Organizations' }).getByRole('button')).toHaveCount(3);
	await fresh.close();
});

test('an unknown invitation link explains itself', async ({ page }) => {
	await page.goto('/invite/this-link-does-not-exist-anywhere');
	await expect(page.getByRole('heading', { name: 'Invitation unavailable' })).toBeVisible();
	await expect(page.getByRole('alert')).toContainText('invalid, has expired or was already used');
});
