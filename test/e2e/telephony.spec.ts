import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { createHmac, randomBytes } from 'node:crypto';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function call<T>(request: APIRequestContext, token: string, method: 'get' | 'post', path: string, data?: unknown) {
	const res = await request[method](path, { headers: auth(token), data });
	expect(res.status(), await res.text()).toBeLessThan(300);
	return (await res.json()) as { data: T; meta?: { total: number } };
}

async function newOrg(request: APIRequestContext, name: string) {
	return (await registerViaApi(request, newPerson('Tess', 'Phone'), `${name} ${Date.now().toString(36)}`)) as unknown as AuthTokens;
}

async function shot(page: Page, name: string, fullPage = false) {
	await screenshot(page, `telephony-${name}`, { fullPage });
}

/**
 * What an Asterisk dialplan pushes: the event as JSON, signed as the PBX
 * section of the README describes (HMAC-SHA256 of "<t>.<body>" keyed by the
 * provider's webhook secret).
 */
async function pbxEvent(request: APIRequestContext, providerId: string, secret: string, event: Record<string, unknown>) {
	const body = JSON.stringify(event);
	const t = Math.floor(Date.now() / 1000);
	const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
	const res = await request.post(`/api/telephony/pbx/${providerId}/events`, {
		headers: { 'content-type': 'application/json', 'x-neuracrm-signature': `t=${t},v1=${v1}` },
		data: body
	});
	expect(res.status(), await res.text()).toBe(200);
}

const TWILIO_AUTH_TOKEN = 'fake-auth-token';
const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

/** A Twilio webhook as Twilio sends it: form-encoded, signed over the exact URL and its POST params. */
async function twilioHook(request: APIRequestContext, path: string, params: Record<string, string>) {
	const url = new URL(path, process.env.BASE_URL ?? 'http://127.0.0.1:8790').toString();
	const res = await request.post(url, {
		headers: { 'x-twilio-signature': getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, url, params) },
		form: params
	});
	expect([200, 204], await res.text()).toContain(res.status());
	return res.text();
}

test('without a provider the softphone says what to configure and places no call', async ({ browser, request }) => {
	const owner = await newOrg(request, 'No Line');
	const contact = (
		await call<{ id: string }>(request, owner.accessToken, 'post', '/api/contacts', { firstName: 'Nora', lastName: 'Lines', phone: '+1 415 555 0142' })
	).data;
	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);

	await page.goto(`/contacts/${contact.id}`);
	await page.getByTestId('call-record').click();
	const phone = page.getByTestId('softphone');
	await expect(phone.getByTestId('softphone-setup')).toContainText('No phone provider is set up');
	await expect(phone.getByTestId('softphone-setup')).toContainText('+14155550142');
	await expect(phone.getByRole('link', { name: /Calls settings/ })).toHaveAttribute('href', '/calls/settings');
	await expect(phone.getByRole('button', { name: 'Call', exact: true })).toHaveCount(0);
	await shot(page, 'softphone-no-provider');

	// The phone cell of the contact list dials through the same softphone.
	await page.goto('/contacts');
	await page.getByRole('row').filter({ hasText: 'Nora Lines' }).getByTestId('call-cell').click();
	await expect(page.getByTestId('softphone').getByTestId('softphone-setup')).toContainText('Not calling +14155550142');

	const calls = await call<unknown[]>(request, owner.accessToken, 'get', '/api/telephony/calls');
	expect(calls.meta?.total).toBe(0);
	expect(errors).toEqual([]);
	await context.close();
});

test('a fresh sign-in without a phone provider logs no console error and makes no refused request', async ({ page, request }) => {
	const person = newPerson('Quinn', 'Quiet');
	const owner = await registerViaApi(request, person, `Quiet Line ${Date.now().toString(36)}`);
	const contact = (
		await call<{ id: string }>(request, owner.accessToken, 'post', '/api/contacts', { firstName: 'Ola', lastName: 'Silent', phone: '+1 415 555 0143' })
	).data;
	const consoleErrors: string[] = [];
	const refused: string[] = [];
	page.on('console', (msg) => {
		if (msg.type() === 'error') consoleErrors.push(msg.text());
	});
	page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
	page.on('response', (res) => {
		if (res.status() >= 400) refused.push(`${res.request().method()} ${new URL(res.url()).pathname} → ${res.status()}`);
	});

	await page.goto('/login');
	await page.getByLabel('Email address').fill(person.email);
	await page.getByLabel('Password').fill(person.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByTestId('welcome')).toBeVisible();
	// A second page, loaded afresh: the signed-in start every page goes through, softphone included.
	await page.goto(`/contacts/${contact.id}`);
	await page.getByTestId('call-record').click();
	await expect(page.getByTestId('softphone').getByTestId('softphone-setup')).toContainText('No phone provider is set up');
	await shot(page, 'fresh-sign-in-no-provider');
	expect(refused).toEqual([]);
	expect(consoleErrors).toEqual([]);
});

test.describe('in a browser far west of its organization', () => {
	// UTC-11 against the organization's UTC+14: the browser's date is a day or two behind the organization's at any hour.
	test.use({ timezoneId: 'Pacific/Pago_Pago' });

	test('call analytics open on the organization’s today, so a call just made is counted', async ({ browser, request }) => {
		const owner = await newOrg(request, 'Far Line');
		const token = owner.accessToken;
		const zone = await request.patch('/api/organizations/current', { headers: auth(token), data: { settings: { timeZone: 'Pacific/Kiritimati' } } });
		expect(zone.status(), await zone.text()).toBe(200);
		const provider = (
			await call<{ id: string; webhookSecret: string }>(request, token, 'post', '/api/telephony/providers', {
				type: 'asterisk',
				name: 'Office PBX',
				config: { baseUrl: 'http://127.0.0.1:9', username: 'crm', password: 'secret-pass', application: 'neuracrm' }
			})
		).data;
		const t0 = Math.floor(Date.now() / 1000) - 60;
		const base = { uniqueid: `${t0}.7`, direction: 'inbound', from: '4155550144', to: '5000' };
		await pbxEvent(request, provider.id, provider.webhookSecret, { ...base, event: 'start', timestamp: t0 });
		await pbxEvent(request, provider.id, provider.webhookSecret, { ...base, event: 'hangup', dialstatus: 'NOANSWER', timestamp: t0 + 20 });

		const context = await signedInContext(browser, owner);
		const page = await context.newPage();
		const errors = watchPageErrors(page);
		await page.goto('/calls/analytics');
		await expect(page.getByRole('button', { name: '7 days' })).toHaveAttribute('aria-pressed', 'true');
		await expect(page.getByTestId('tile-Calls')).toHaveText('1');
		await expect(page.getByTestId('tile-Missed')).toHaveText('1');
		expect(errors).toEqual([]);
		await context.close();
	});
});

test('a manager adds a provider, a queue and an extension; the connection test reports the real error', async ({ browser, request }) => {
	const owner = await newOrg(request, 'Admin Line');
	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/calls/settings');

	await page.getByRole('button', { name: 'Add provider' }).click();
	const dialog = page.getByRole('dialog', { name: 'Add a phone provider' });
	await dialog.getByLabel('Name').fill('Twilio main');
	await dialog.getByLabel('Account SID').fill(`AC${'1'.repeat(32)}`);
	await dialog.getByLabel('Auth token').fill('fake-auth-token');
	await dialog.getByLabel('API key SID').fill(`SK${'2'.repeat(32)}`);
	await dialog.getByLabel('API key secret').fill('fake-api-secret');
	await dialog.getByLabel('TwiML app SID').fill(`AP${'3'.repeat(32)}`);
	await dialog.getByLabel('Phone numbers').fill('+1 415 555 0100');
	// A port nothing listens on: the test must show the network's own failure.
	await dialog.getByLabel('API base URL').fill('http://127.0.0.1:9');
	await expect(dialog.getByText("Empty: Twilio's classical hold music plays.")).toBeVisible();
	await dialog.getByLabel('Hold music URL').fill('https://music.example.com/hold.mp3');
	await dialog.getByRole('button', { name: 'Add provider' }).click();

	const secret = page.getByTestId('webhook-secret');
	await expect(secret).not.toBeEmpty();
	await page.getByRole('button', { name: 'I saved it' }).click();

	const provider = page.getByTestId('provider').filter({ hasText: 'Twilio main' });
	await expect(provider).toContainText('accountSid set');
	await expect(provider).toContainText('authToken set');
	await provider.getByRole('button', { name: 'Test connection' }).click();
	const result = provider.getByTestId('provider-test-result');
	await expect(result).toBeVisible();
	await expect(result).not.toContainText('Connected');
	const saved = (await call<{ lastTest: { status: string; message: string } }[]>(request, owner.accessToken, 'get', '/api/telephony/providers')).data;
	expect(saved[0]?.lastTest?.status).toBe('error');
	await expect(result).toContainText(saved[0]!.lastTest.message);

	// The hold music URL: saved with the config, refused unless a URL, and emptied back to Twilio's music.
	type Saved = { config: { holdMusicUrl?: string } }[];
	expect((await call<Saved>(request, owner.accessToken, 'get', '/api/telephony/providers')).data[0]?.config.holdMusicUrl).toBe('https://music.example.com/hold.mp3');
	await provider.getByRole('button', { name: 'Edit' }).click();
	const edit = page.getByRole('dialog', { name: 'Edit Twilio main' });
	const music = edit.getByLabel('Hold music URL');
	await expect(music).toHaveValue('https://music.example.com/hold.mp3');
	await music.fill('ftp://music.example.com/hold.mp3');
	await edit.getByRole('button', { name: 'Save changes' }).click();
	await expect(edit.getByText('An http(s) URL')).toBeVisible();
	await expect(music).toHaveAttribute('aria-invalid', 'true');
	await shot(page, 'provider-hold-music');
	await music.fill('');
	await edit.getByRole('button', { name: 'Save changes' }).click();
	await expect(edit).toBeHidden();
	expect((await call<Saved>(request, owner.accessToken, 'get', '/api/telephony/providers')).data[0]?.config).not.toHaveProperty('holdMusicUrl');

	await page.getByRole('button', { name: 'New queue' }).click();
	const queueDialog = page.getByRole('dialog', { name: 'New queue' });
	await queueDialog.getByLabel('Name').fill('Support line');
	await queueDialog.getByLabel('Strategy').selectOption('round_robin');
	await queueDialog.getByLabel(owner.user.name).check();
	await queueDialog.getByRole('button', { name: 'Create queue' }).click();
	await expect(page.getByTestId('queue-card').filter({ hasText: 'Support line' })).toContainText('Round robin');

	const extensions = page.locator('#extensions');
	await extensions.getByLabel('Member').selectOption({ label: owner.user.name });
	await extensions.getByLabel('Client identity').fill('tess');
	await extensions.getByRole('button', { name: 'Add extension' }).click();
	await expect(page.getByTestId('extension-row')).toContainText('tess');
	await shot(page, 'settings', true);

	// With Twilio configured the softphone takes a Voice token and loads the SDK: the line is the browser.
	await page.reload();
	await page.getByTestId('softphone-toggle').click();
	await expect(page.getByTestId('softphone').getByTestId('line-badge')).toHaveText(/Browser|Connecting…/);
	await expect(page.getByTestId('softphone').getByRole('group', { name: 'Dial pad' })).toBeVisible();
	await shot(page, 'softphone-twilio');

	const queues = (await call<{ name: string; strategy: string; members: { userId: string }[] }[]>(request, owner.accessToken, 'get', '/api/telephony/queues')).data;
	expect(queues).toEqual([expect.objectContaining({ name: 'Support line', strategy: 'round_robin', members: [expect.objectContaining({ userId: owner.user.id })] })]);
	const mapped = (await call<{ extension: string; userId: string }[]>(request, owner.accessToken, 'get', '/api/telephony/extensions')).data;
	expect(mapped).toEqual([expect.objectContaining({ extension: 'tess', userId: owner.user.id })]);
	expect(errors).toEqual([]);
	await context.close();
});

test('PBX call events pop the caller, move the live board, and land in the call log and analytics', async ({ browser, request }) => {
	const owner = await newOrg(request, 'Live Line');
	const token = owner.accessToken;
	const contact = (
		await call<{ id: string }>(request, token, 'post', '/api/contacts', { firstName: 'Carla', lastName: 'Caller', phone: '(415) 555-0199' })
	).data;
	const created = await call<{ id: string; webhookSecret: string }>(request, token, 'post', '/api/telephony/providers', {
		type: 'asterisk',
		name: 'Office PBX',
		config: { baseUrl: 'http://127.0.0.1:9', username: 'crm', password: 'secret-pass', application: 'neuracrm' }
	});
	const provider = created.data;
	await call(request, token, 'post', '/api/telephony/queues', { name: 'Sales', members: [{ userId: owner.user.id }] });
	await call(request, token, 'post', '/api/telephony/extensions', { providerId: provider.id, userId: owner.user.id, extension: '1001' });

	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/calls/live');
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online');
	await expect(page.getByTestId('live-active-count')).toHaveText('0');
	await expect(page.getByTestId('live-queue').filter({ hasText: 'Sales' })).toContainText('0 waiting');

	const t0 = Math.floor(Date.now() / 1000) - 90;
	const base = { uniqueid: '1732630000.42', direction: 'inbound', from: '4155550199', to: '5000', queue: 'Sales' };
	await pbxEvent(request, provider.id, provider.webhookSecret, { ...base, event: 'start', timestamp: t0 });
	await pbxEvent(request, provider.id, provider.webhookSecret, { ...base, event: 'queued', timestamp: t0 + 1 });
	await expect(page.getByTestId('live-active-count')).toHaveText('1');
	await expect(page.getByTestId('live-queue').filter({ hasText: 'Sales' })).toContainText('1 waiting');
	await expect(page.getByTestId('live-call')).toContainText('Carla Caller');

	// The desk phone rings: the softphone pops the caller's record before anyone answers.
	await pbxEvent(request, provider.id, provider.webhookSecret, { ...base, event: 'ringing', agent: '1001', timestamp: t0 + 20 });
	const pop = page.getByTestId('caller-pop');
	await expect(pop.getByTestId('caller-name')).toHaveText('Carla Caller');
	await expect(pop.getByTestId('caller-record')).toHaveAttribute('href', `/contacts/${contact.id}`);
	await expect(page.getByTestId('live-agent').filter({ hasText: owner.user.name })).toHaveAttribute('data-status', 'busy');
	await shot(page, 'live-board-ringing');

	await pbxEvent(request, provider.id, provider.webhookSecret, { ...base, event: 'answered', agent: '1001', timestamp: t0 + 25 });
	await expect(page.getByTestId('live-queue').filter({ hasText: 'Sales' })).toContainText('0 waiting');
	await expect(page.getByTestId('live-call')).toContainText('In progress');
	await pbxEvent(request, provider.id, provider.webhookSecret, { ...base, event: 'hangup', agent: '1001', dialstatus: 'ANSWER', timestamp: t0 + 85 });
	await expect(page.getByTestId('live-active-count')).toHaveText('0');
	await expect(page.getByTestId('live-agent').filter({ hasText: owner.user.name })).toHaveAttribute('data-status', 'wrap_up');

	// Wrap-up pops in the softphone for the agent who took the call.
	const wrap = page.getByTestId('wrap-up');
	await wrap.getByLabel('Disposition').selectOption('Interested');
	await wrap.getByLabel('Notes').fill('Wants a demo on Friday');
	await shot(page, 'softphone-wrap-up');
	await wrap.getByRole('button', { name: 'Save' }).click();
	await expect(wrap).toHaveCount(0);
	await expect(page.getByTestId('live-agent').filter({ hasText: owner.user.name })).toHaveAttribute('data-status', 'available');

	await page.goto('/calls');
	const row = page.getByTestId('call-row').filter({ hasText: 'Carla Caller' });
	await expect(row.getByTestId('call-party')).toHaveAttribute('href', `/contacts/${contact.id}`);
	await expect(row.getByTestId('call-status')).toHaveText('Completed');
	await expect(row).toContainText('1:25');
	await shot(page, 'call-log');
	await page.getByLabel('Status').selectOption('busy');
	await expect(page.getByText('No calls match these filters')).toBeVisible();
	await page.getByLabel('Status').selectOption('');
	await expect(row).toBeVisible();
	await row.getByTestId('call-open').click();
	const drawer = page.getByTestId('call-drawer');
	const timeline = drawer.getByTestId('call-timeline');
	for (const step of ['Waiting in queue', 'Ringing', 'Answered', 'Ended']) await expect(timeline).toContainText(step);
	await expect(drawer.getByLabel('Disposition')).toHaveValue('Interested');
	await expect(drawer.getByLabel('Notes')).toHaveValue('Wants a demo on Friday');
	await expect(drawer.getByTestId('call-record-link')).toHaveAttribute('href', `/contacts/${contact.id}`);
	await shot(page, 'call-detail');

	await page.goto('/calls/analytics');
	await expect(page.getByTestId('tile-Calls')).toHaveText('1');
	await expect(page.getByTestId('tile-Answered')).toHaveText('1');
	await expect(page.getByTestId('tile-Avg talk')).toHaveText('1:00');
	for (const chart of ['chart-hour', 'chart-agent', 'chart-queue']) {
		await expect(page.getByTestId(chart).locator('canvas')).toBeVisible();
	}
	// Chart.js drew something: the canvas has non-blank pixels.
	const painted = await page.getByTestId('chart-hour').locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
		const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
		let ink = 0;
		for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink++;
		return ink;
	});
	expect(painted).toBeGreaterThan(100);
	await shot(page, 'analytics', true);
	expect(errors).toEqual([]);
	await context.close();
});

test('a signed Twilio inbound call pops the caller in the agent\'s softphone and moves the live board', async ({ browser, request }) => {
	const owner = await newOrg(request, 'Twilio Line');
	const token = owner.accessToken;
	const contact = (await call<{ id: string }>(request, token, 'post', '/api/contacts', { firstName: 'Ivy', lastName: 'Inbound', phone: '+1 415 555 0177' })).data;
	const queue = (await call<{ id: string }>(request, token, 'post', '/api/telephony/queues', { name: 'Front desk', strategy: 'round_robin', members: [{ userId: owner.user.id }] })).data;
	const accountSid = `AC${'1'.repeat(32)}`;
	const provider = (
		await call<{ id: string }>(request, token, 'post', '/api/telephony/providers', {
			type: 'twilio',
			name: 'Twilio',
			defaultQueueId: queue.id,
			config: {
				accountSid,
				authToken: TWILIO_AUTH_TOKEN,
				apiKeySid: `SK${'2'.repeat(32)}`,
				apiKeySecret: 'fake-api-secret',
				twimlAppSid: `AP${'3'.repeat(32)}`,
				phoneNumbers: ['+14155550100'],
				apiBaseUrl: 'http://127.0.0.1:9'
			}
		})
	).data;
	await call(request, token, 'post', '/api/telephony/extensions', { providerId: provider.id, userId: owner.user.id, extension: 'ivy-desk' });
	const status = await request.put('/api/agents/me/status', { headers: auth(token), data: { status: 'available' } });
	expect(status.status(), await status.text()).toBe(200);

	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/calls/live');
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online');
	await expect(page.getByTestId('live-active-count')).toHaveText('0');

	const parent = sid('CA');
	const base = { AccountSid: accountSid, From: '+14155550177', To: '+14155550100', Direction: 'inbound' };
	const twiml = await twilioHook(request, `/api/telephony/twilio/${provider.id}/voice`, { ...base, CallSid: parent, CallStatus: 'ringing' });
	expect(twiml).toContain('<Client ');
	expect(twiml).toContain('<Identity>ivy-desk</Identity>');

	const pop = page.getByTestId('caller-pop');
	await expect(pop.getByTestId('caller-name')).toHaveText('Ivy Inbound');
	await expect(pop.getByTestId('caller-record')).toHaveAttribute('href', `/contacts/${contact.id}`);
	await expect(page.getByTestId('live-active-count')).toHaveText('1');
	await expect(page.getByTestId('live-call')).toContainText('Ringing');

	const agentLeg = { AccountSid: accountSid, CallSid: sid('CA'), ParentCallSid: parent, From: '+14155550177', To: 'client:ivy-desk', Direction: 'outbound-dial' };
	await twilioHook(request, `/api/telephony/twilio/${provider.id}/status?leg=agent`, { ...agentLeg, CallStatus: 'in-progress' });
	await expect(page.getByTestId('live-call')).toContainText('In progress');
	await expect(pop).toHaveCount(0);
	await twilioHook(request, `/api/telephony/twilio/${provider.id}/status`, { ...base, CallSid: parent, CallStatus: 'completed', CallDuration: '42' });
	await expect(page.getByTestId('live-active-count')).toHaveText('0');
	await expect(page.getByTestId('wrap-up')).toBeVisible();
	expect(errors).toEqual([]);
	await context.close();
});
