import { expect, test, type APIRequestContext } from '@playwright/test';
import { startOpenAiFake } from '../fakes/openai-fake';
import { acceptForTokens, signedInContext, type AuthTokens } from './board-helpers';
import { openAssistant, scriptFake, uniqueFakeKey } from './ai-fake-setup';
import { inviteViaApi, newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

let fake: Awaited<ReturnType<typeof startOpenAiFake>>;

test.beforeAll(async () => {
	fake = await startOpenAiFake();
});

test.afterAll(async () => {
	await fake?.close();
});

async function seedOwner(request: APIRequestContext, org: string) {
	return (await registerViaApi(request, newPerson('Otto', 'Owner'), `${org} ${Date.now().toString(36)}`)) as AuthTokens;
}

test('with nothing configured, the panel and the settings say what to set; only owners and admins get the way there', async ({ browser, request }) => {
	const owner = await seedOwner(request, 'Unset');
	const person = newPerson('Abby', 'Agent');
	const agent = await acceptForTokens(request, await inviteViaApi(request, owner.accessToken, person.email, 'agent'), person);

	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('welcome')).toBeVisible();
	const panel = await openAssistant(page);
	const setup = panel.getByTestId('ai-setup');
	await expect(setup).toContainText('Turn on AI');
	await expect(setup).toContainText('AI is not set up');
	await expect(setup).toContainText('Settings → AI');
	await expect(setup).toContainText('OPENAI_API_KEY');
	await expect(panel.getByTestId('ai-input')).toBeDisabled();
	await screenshot(page, 'ai-panel-not-configured', { fullPage: false });

	await setup.getByRole('link', { name: 'Open AI settings' }).click();
	await expect(page).toHaveURL(/\/settings\/ai$/);
	await expect(panel).toBeHidden();
	await expect(page.getByRole('heading', { name: 'AI', exact: true })).toBeVisible();
	await expect(page.getByTestId('ai-routes').getByTestId('ai-setup')).toContainText('Settings → AI');
	await expect(page.getByTestId('ai-route-chat')).toContainText('Not configured');
	await expect(page.getByTestId('ai-route-transcription')).toContainText('Not configured');
	await expect(page.getByLabel('API key')).toBeVisible();
	await screenshot(page, 'ai-settings-not-configured');
	expect(errors).toEqual([]);
	await context.close();

	const agentContext = await signedInContext(browser, agent);
	const agentPage = await agentContext.newPage();
	await agentPage.goto('/settings');
	await agentPage.getByTestId('ai-settings-link').click();
	await expect(agentPage).toHaveURL(/\/settings\/ai$/);
	await expect(agentPage.getByTestId('ai-setup')).toContainText('Ask an owner or admin');
	await expect(agentPage.getByText('Only owners and admins can change the AI settings')).toBeVisible();
	await expect(agentPage.getByLabel('API key')).toHaveCount(0);
	// On a phone the top bar's button opens it.
	await agentPage.setViewportSize({ width: 390, height: 844 });
	await agentPage.getByTestId('open-assistant-compact').click();
	const agentPanel = agentPage.getByTestId('ai-panel');
	await expect(agentPanel.getByTestId('ai-setup')).toContainText('Ask an owner or admin');
	await expect(agentPanel.getByRole('link', { name: 'Open AI settings' })).toHaveCount(0);
	await screenshot(agentPage, 'ai-panel-phone-member', { fullPage: false });
	await agentPanel.getByRole('button', { name: 'Close the assistant' }).click();
	await expect(agentPanel).toBeHidden();
	await agentContext.close();
});

test('an owner saves their own key and the fake server’s URL, never sees the key again, tests the connection and sees it in the usage', async ({ browser, request }) => {
	const owner = await seedOwner(request, 'Byok');
	const key = uniqueFakeKey('settings');
	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/settings');
	await page.getByTestId('ai-settings-link').click();
	await expect(page).toHaveURL(/\/settings\/ai$/);

	// A base URL the Worker may not contact says why, and nothing is saved.
	await page.getByLabel('API key').fill(key);
	await page.getByLabel('Base URL').fill('http://10.1.2.3/v1');
	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(page.getByRole('alert')).toContainText('not a public address');
	await expect(page.getByTestId('ai-route-chat')).toContainText('Not configured');

	await page.getByLabel('Base URL').fill(`${fake.url}/v1`);
	await page.getByLabel('Chat model').fill('fake-chat-1');
	await page.getByLabel('Token budget').fill('abc');
	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(page.getByTestId('field-error')).toHaveText('A whole number of tokens, or empty for the server default.');
	await page.getByLabel('Token budget').fill('500000');
	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(page.getByTestId('toast').filter({ hasText: 'AI settings saved' })).toBeVisible();

	await expect(page.getByTestId('ai-key-saved')).toContainText(`Set · ends in ${key.slice(-4)}`);
	await expect(page.locator('input[type="password"]')).toHaveCount(0);
	await expect(page.getByTestId('ai-route-chat')).toContainText('fake-chat-1');
	await expect(page.getByTestId('ai-route-chat')).toContainText("Your organization's key");
	await expect(page.getByTestId('ai-routes').getByTestId('ai-setup')).toHaveCount(0);
	await expect(page.getByLabel('Token budget')).toHaveValue('500000');
	await expect(page.getByLabel('Base URL')).toHaveValue(`${fake.url}/v1`);
	expect(await page.content()).not.toContain(key);

	await page.getByTestId('ai-test-connection').click();
	await expect(page.getByTestId('ai-test-result')).toContainText('Connected.');
	await expect(page.getByTestId('ai-test-result')).toContainText('fake-chat-1');
	const usage = page.getByTestId('ai-usage');
	await expect(usage.getByTestId('ai-usage-requests')).toContainText('1 request this month');
	await expect(usage.getByTestId('ai-usage-by-member')).toContainText('Otto Owner');
	await expect(usage.getByTestId('ai-usage-by-feature')).toContainText('Assistant');
	await expect(usage).toContainText('of 500,000');
	await screenshot(page, 'ai-settings-connected');

	// The provider's refusal is told as it is.
	await scriptFake(request, fake.url, key, [{ error: { status: 401, message: 'Incorrect API key provided.' } }]);
	await page.getByTestId('ai-test-connection').click();
	await expect(page.getByTestId('ai-test-result')).toContainText('The model provider refused');
	await expect(page.getByTestId('ai-test-result')).toContainText('Incorrect API key provided.');

	await page.reload();
	await expect(page.getByTestId('ai-key-saved')).toContainText(`ends in ${key.slice(-4)}`);
	expect(await page.content()).not.toContain(key);
	expect(errors).toEqual([]);
	await context.close();
});
