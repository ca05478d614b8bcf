import { expect, test } from '@playwright/test';
import {
	acceptAsNewAccount,
	newPerson,
	onlineNow,
	registerViaUi,
	screenshot,
	watchPageErrors
} from './helpers';

test('an invited teammate joins from another browser and both see each other online', async ({
	browser
}) => {
	const owner = newPerson('Olivia', 'Owner');
	const teammate = newPerson('Tariq', 'Teammate');
	const organization = `Northwind ${Date.now().toString(36)}`;

	const ownerContext = await browser.newContext();
	const teammateContext = await browser.newContext();
	const ownerPage = await ownerContext.newPage();
	const teammatePage = await teammateContext.newPage();
	const ownerErrors = watchPageErrors(ownerPage);
	const teammateErrors = watchPageErrors(teammatePage);

	await test.step('owner registers and lands in the app', async () => {
		await registerViaUi(ownerPage, owner, organization);
		await expect(ownerPage.getByTestId('org-switcher')).toContainText(organization);
		await expect(ownerPage.getByTestId('member-count')).toHaveText('1');
		await expect(ownerPage.getByTestId('connection-status').first()).toHaveAttribute(
			'data-status',
			'online'
		);
		await expect(onlineNow(ownerPage).getByTestId('online-user')).toHaveCount(1);
		await screenshot(ownerPage, '01-dashboard-owner');
	});

	let link = '';
	await test.step('owner invites the teammate from the members page', async () => {
		await ownerPage.getByRole('link', { name: 'Members' }).click();
		await expect(ownerPage).toHaveURL(/\/members$/);
		await expect(ownerPage.getByTestId('member-row')).toHaveCount(1);
		await ownerPage.getByLabel('Email address').fill(teammate.email);
		await ownerPage.getByLabel('Role', { exact: true }).selectOption('agent');
		await ownerPage.getByRole('button', { name: 'Send invite' }).click();
		const linkInput = ownerPage.getByTestId('invite-link');
		await expect(linkInput).toHaveValue(/\/invite\/[\w-]+$/);
		link = await linkInput.inputValue();
		await expect(ownerPage.getByTestId('pending-invitation')).toContainText(teammate.email);
		await screenshot(ownerPage, '02-members-invite');
	});

	await test.step('the teammate sees who invited them and accepts', async () => {
		await teammatePage.goto(new URL(link).pathname);
		await expect(teammatePage.getByTestId('invite-title')).toHaveText(
			`${owner.name} invited you to ${organization} as agent`
		);
		await screenshot(teammatePage, '03-invite-accept');
		await acceptAsNewAccount(teammatePage, link, teammate);
		await expect(teammatePage.getByTestId('org-switcher')).toContainText(organization);
		await expect(teammatePage.getByTestId('org-switcher')).toContainText('Agent');
	});

	await test.step('both see each other in "Online now", with the page each is on', async () => {
		const ownerSees = onlineNow(ownerPage).getByTestId('online-user');
		const teammateSees = onlineNow(teammatePage).getByTestId('online-user');
		await expect(ownerSees).toHaveCount(2);
		await expect(teammateSees).toHaveCount(2);
		await expect(ownerSees.filter({ hasText: teammate.name })).toContainText('Viewing Dashboard');
		await expect(teammateSees.filter({ hasText: owner.name })).toContainText('Viewing Members');
		// The owner's member list picks the newcomer up without a reload.
		await expect(ownerPage.getByTestId('member-row').filter({ hasText: teammate.email })).toBeVisible();
		await expect(ownerPage.getByTestId('pending-invitation')).toHaveCount(0);
		await screenshot(ownerPage, '04-members-both-online');
		await screenshot(teammatePage, '05-dashboard-teammate');
	});

	await test.step('a role change reaches the teammate live', async () => {
		const row = ownerPage.getByTestId('member-row').filter({ hasText: teammate.email });
		await row.getByLabel(`Role for ${teammate.name}`).selectOption('viewer');
		// The room closes the teammate's socket; the app re-reads its role and reconnects.
		await expect(teammatePage.getByTestId('org-switcher')).toContainText('Viewer');
		await expect(
			onlineNow(ownerPage).getByTestId('online-user').filter({ hasText: teammate.name })
		).toBeVisible();
		await expect(teammatePage.getByTestId('connection-status').first()).toHaveAttribute(
			'data-status',
			'online'
		);
	});

	await test.step('presence follows navigation and leaving', async () => {
		await teammatePage.getByRole('link', { name: 'Members' }).click();
		await expect(
			onlineNow(ownerPage).getByTestId('online-user').filter({ hasText: teammate.name })
		).toContainText('Viewing Members');
		// A viewer sees the team but cannot invite, change roles or remove anyone.
		await expect(teammatePage.getByTestId('members-table')).toBeVisible();
		await expect(teammatePage.getByTestId('invite-form')).toHaveCount(0);
		await expect(teammatePage.getByRole('combobox')).toHaveCount(0);
		await teammateContext.close();
		await expect(onlineNow(ownerPage).getByTestId('online-user')).toHaveCount(1);
	});

	expect(ownerErrors).toEqual([]);
	expect(teammateErrors).toEqual([]);
	await ownerContext.close();
});
