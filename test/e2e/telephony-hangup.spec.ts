import { expect, test, type APIRequestContext } from '@playwright/test';
import { FAKE_ARI } from '../fakes/ari-fixtures';
import { startFakeAri } from '../fakes/ari-http';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

/**
 * The desk-phone line end to end: the softphone places a click-to-call
 * through the fake Asterisk ARI server (the same one the workerd tests use,
 * speaking ARI's wire format), and its Hang up ends the call through ARI.
 */

let ariUrl = '';
let stopAri: (() => Promise<void>) | undefined;

test.beforeAll(async () => {
	const fake = await startFakeAri();
	ariUrl = fake.url;
	stopAri = fake.close;
});
test.afterAll(async () => stopAri?.());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function post<T>(request: APIRequestContext, token: string, path: string, data: unknown) {
	const res = await request.post(path, { headers: auth(token), data });
	expect(res.status(), await res.text()).toBeLessThan(300);
	return ((await res.json()) as { data: T }).data;
}

test('the softphone hangs up a desk-phone call through ARI', async ({ browser, request }) => {
	const owner = (await registerViaApi(request, newPerson('Dora', 'Desk'), `Desk Line ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const token = owner.accessToken;
	const provider = await post<{ id: string }>(request, token, '/api/telephony/providers', {
		type: 'asterisk',
		name: 'Office PBX',
		config: { baseUrl: ariUrl, username: FAKE_ARI.username, password: FAKE_ARI.password, application: 'neuracrm' }
	});
	await post(request, token, '/api/telephony/extensions', { providerId: provider.id, userId: owner.user.id, extension: '1001' });

	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/calls/live');
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online');

	const phone = page.getByTestId('softphone');
	await page.getByTestId('softphone-toggle').click();
	await phone.getByLabel('Number to call').fill('+14155550177');
	await phone.getByRole('button', { name: 'Call', exact: true }).click();

	// The PBX rings the desk phone; the call shows in the softphone with a Hang up button.
	const hangup = phone.getByTestId('softphone-hangup');
	await expect(hangup).toBeEnabled();
	await screenshot(page, 'telephony-desk-phone-call', { fullPage: false });
	const [placed] = (await (await request.get('/api/telephony/calls', { headers: auth(token) })).json()).data as { id: string; providerCallId: string }[];
	await hangup.click();
	await expect(phone.getByTestId('softphone-call')).toHaveCount(0);

	const hungUp = await fetch(`${ariUrl}/__fake/hangups/${encodeURIComponent(placed!.providerCallId)}`);
	expect(hungUp.status).toBe(200);
	const call = (await (await request.get(`/api/telephony/calls/${placed!.id}`, { headers: auth(token) })).json()).data;
	expect(call.status).toBe('canceled');
	expect(call.timeline.find((t: { type: string }) => t.type === 'ended').data).toMatchObject({ hangup: true, by: owner.user.id });
	expect(errors).toEqual([]);
});
