import { expect, test } from '@playwright/test';
import {
	acceptViaApi,
	inviteViaApi,
	newPerson,
	registerViaUi,
	screenshot,
	watchPageErrors
} from './helpers';

test('an owner changes roles, is stopped from demoting the last owner, and removes a member', async ({
	page,
	request
}) => {
	const errors = watchPageErrors(page);
	const owner = newPerson('Omar', 'Owner');
	const member = newPerson('Maya', 'Member');
	await registerViaUi(page, owner, 'Role Players');
	const accessToken = await page.evaluate(
		() => (JSON.parse(localStorage.getItem('neuracrm.auth') ?? '{}') as { accessToken: string }).accessToken
	);
	const link = await inviteViaApi(request, accessToken, member.email, 'agent');
	await acceptViaApi(request, link, member);

	await page.getByRole('link', { name: 'Members' }).click();
	const memberRow = page.getByTestId('member-row').filter({ hasText: member.email });
	const ownerRow = page.getByTestId('member-row').filter({ hasText: owner.email });
	await expect(memberRow).toBeVisible();

	await memberRow.getByLabel(`Role for ${member.name}`).selectOption('manager');
	await expect(page.getByTestId('toast').filter({ hasText: `${member.name} is now manager` })).toBeVisible();

	await ownerRow.getByLabel(`Role for ${owner.name}`).selectOption('admin');
	await expect(ownerRow.getByRole('alert')).toContainText(/owner/i);
	await expect(ownerRow.getByLabel(`Role for ${owner.name}`)).toHaveValue('owner');
	await screenshot(page, '11-members-last-owner-error');

	await memberRow.getByRole('button', { name: /Remove/ }).click();
	const dialog = page.getByRole('dialog', { name: `Remove ${member.name}?` });
	await expect(dialog).toBeVisible();
	await screenshot(page, '12-members-remove-dialog', { fullPage: false });
	await dialog.getByRole('button', { name: 'Remove member' }).click();
	await expect(dialog).toBeHidden();
	await expect(memberRow).toHaveCount(0);
	await expect(page.getByTestId('member-row')).toHaveCount(1);

	// The list is the server's, not just the page's.
	await page.reload();
	await expect(page.getByTestId('member-row')).toHaveCount(1);
	expect(errors).toEqual([]);
});

test('a member creates a second organization, switches between them and renames one', async ({ page }) => {
	const errors = watchPageErrors(page);
	const person = newPerson('Sam', 'Switcher');
	await registerViaUi(page, person, 'First Company');

	await page.getByTestId('org-switcher').click();
	await page.getByRole('button', { name: 'Create organization' }).click();
	const dialog = page.getByRole('dialog', { name: 'Create organization' });
	await dialog.getByLabel('Organization name').fill('Second Venture');
	await screenshot(page, '13-create-organization', { fullPage: false });
	await dialog.getByRole('button', { name: 'Create organization' }).click();
	await expect(dialog).toBeHidden();
	await expect(page.getByTestId('org-switcher')).toContainText('Second Venture');
	await expect(page.getByTestId('member-count')).toHaveText('1');

	await page.getByTestId('org-switcher').click();
	const options = page.getByRole('list', { name: 'Organizations' }).getByRole('button');
	await expect(options).toHaveCount(2);
	await expect(options.filter({ hasText: 'Second Venture' })).toHaveAttribute('aria-current', 'true');
	await screenshot(page, '14-org-switcher', { fullPage: false });
	await options.filter({ hasText: 'First Company' }).click();
	await expect(page.getByTestId('org-switcher')).toContainText('First Company');
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online');

	await page.getByRole('link', { name: 'Settings' }).click();
	await page.getByLabel('Organization name').fill('First Company Group');
	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(page.getByTestId('org-switcher')).toContainText('First Company Group');
	await screenshot(page, '15-settings');
	expect(errors).toEqual([]);
});
