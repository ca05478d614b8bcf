import { expect, test, type APIRequestContext } from '@playwright/test';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';
import { startWebhookReceiver } from '../fakes/webhook-receiver';

/**
 * A new owner connects a webhook receiver (the local signature-checking
 * fake) in Automation → Webhooks, copies the secret shown once, changes a
 * deal, and sees the signed message in the delivery log, then replays it:
 * the receiver verified both with the standardwebhooks package.
 */

let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

test.beforeAll(async () => {
	receiver = await startWebhookReceiver();
});
test.afterAll(async () => {
	await receiver?.close();
});

async function call(request: APIRequestContext, token: string, method: 'post' | 'patch', path: string, data?: unknown) {
	const res = await request[method](path, { data, headers: { authorization: `Bearer ${token}` } });
	expect(res.ok(), await res.text()).toBe(true);
	return ((await res.json()) as { data: any }).data;
}

test('a signed webhook for a deal change arrives, shows in the delivery log, and replays', async ({ browser, request }) => {
	test.setTimeout(120_000);
	const auth = (await registerViaApi(request, newPerson('Wanda', 'Hooks'), `Hooks ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const token = auth.accessToken;
	const tag = `e2e${Date.now().toString(36)}`;
	const target = `${receiver.url}/r/${tag}/ok`;
	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	const verified = () => receiver.received.filter((m) => m.tag === tag && m.verified);

	await test.step('adding an endpoint shows its secret once', async () => {
		await page.goto('/automation/webhooks');
		await page.getByTestId('new-webhook').click();
		await page.getByTestId('webhook-url').fill(target);
		await page.getByTestId('webhook-description').fill('Local receiver');
		await page.getByTestId('webhook-create-submit').click();
		const secret = (await page.getByTestId('webhook-secret-value').textContent())!.trim();
		expect(secret).toMatch(/^whsec_/);
		await fetch(`${receiver.url}/__secret`, { method: 'POST', body: JSON.stringify({ tag, secret }) });
		await screenshot(page, 'automation-webhooks-secret', { fullPage: false });
		await page.getByTestId('webhook-secret-done').click();
		await expect(page.getByTestId('webhook-row')).toHaveCount(1);
		await page.reload();
		await expect(page.getByTestId('webhook-row')).toContainText(target);
		expect(await page.content()).not.toContain(secret);
	});

	await test.step('a deal change arrives signed and verifies', async () => {
		const deal = await call(request, token, 'post', '/api/deals', { title: 'Hooli — rollout' });
		await call(request, token, 'patch', `/api/deals/${encodeURIComponent(deal.id)}`, { title: 'Hooli — full rollout' });
		await expect.poll(() => verified().filter((m) => JSON.parse(m.body).type === 'deal.updated').length, { timeout: 30_000 }).toBe(1);
		const message = verified().find((m) => JSON.parse(m.body).type === 'deal.updated')!;
		expect(JSON.parse(message.body).data).toMatchObject({ object: { id: deal.id, title: 'Hooli — full rollout' }, previous: { title: 'Hooli — rollout' } });
	});

	await test.step('the delivery log shows it, and Replay sends the same message again', async () => {
		await page.getByTestId('webhook-link').click();
		const row = page.getByTestId('webhook-delivery-row').filter({ hasText: 'deal.updated' });
		await expect(row).toHaveCount(1);
		await expect(row.getByTestId('webhook-delivery-status')).toHaveText('succeeded');
		await row.getByRole('button', { name: /deal\.updated/ }).click();
		await expect(row.getByTestId('webhook-delivery-payload')).toContainText('Hooli — full rollout');
		await expect(row.getByTestId('webhook-attempts')).toContainText('200');
		await screenshot(page, 'automation-webhooks-log');
		const before = verified().length;
		await row.getByTestId('webhook-replay').click();
		await expect.poll(() => verified().length, { timeout: 30_000 }).toBe(before + 1);
		const [original, replay] = verified().filter((m) => JSON.parse(m.body).type === 'deal.updated');
		expect(replay!.headers['webhook-id']).toBe(original!.headers['webhook-id']);
		expect(replay!.body).toBe(original!.body);
		await page.getByTestId('webhook-delivery-refresh').click();
		const replayed = page.getByTestId('webhook-delivery-row').filter({ has: page.getByTestId('webhook-delivery-replay-badge') });
		await expect(replayed).toHaveCount(1);
		await expect(replayed.getByTestId('webhook-delivery-status')).toHaveText('succeeded', { timeout: 15_000 });
		await screenshot(page, 'automation-webhooks-replayed');
	});

	expect(errors).toEqual([]);
	await context.close();
});
