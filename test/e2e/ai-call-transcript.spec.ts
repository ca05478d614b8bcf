import { expect, test, type APIRequestContext } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks.js';
import { startOpenAiFake } from '../fakes/openai-fake';
import type { FakeStep } from '../fakes/openai-fake-lanes';
import { pcmWav } from '../worker/ai/call-transcript-audio';
import { signedInContext, type AuthTokens } from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

/**
 * A recorded Twilio call, all the way: Twilio's signed webhooks make the
 * call, its recording is copied from a stand-in Twilio media endpoint into R2
 * (the MP3 for playback, the dual-channel WAV for the transcriber), the queue
 * job transcribes each party through the fake OpenAI-compatible server, the
 * call drawer shows who said what, and the command palette finds the call by
 * a word said in it.
 */

const TWILIO_AUTH_TOKEN = 'fake-auth-token';
const ACCOUNT_SID = `AC${'5'.repeat(32)}`;
const CUSTOMER = '+14155550142';
const NUMBER = '+14155550100';
const sid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

const CALLER = [{ from: 1.0, to: 2.0, hz: 330 }];
const AGENT = [
	{ from: 0.1, to: 0.9, hz: 440 },
	{ from: 2.1, to: 2.9, hz: 550 }
];
/** Twilio's dual-channel WAV of an inbound call: the caller is the left channel, the agent the right. */
const CHANNELS = Buffer.from(pcmWav([CALLER, AGENT], 3));
/**
 * What Twilio's `.mp3` stands in with: both parties in one channel (a WAV,
 * which Chromium plays as well). Transcribed, it could only give one speaker,
 * so labelled segments show the transcriber took the WAV.
 */
const PLAYBACK = Buffer.from(pcmWav([[...AGENT, ...CALLER]], 3));

const STEPS: FakeStep[] = [
	{ transcript: { text: 'I would like a quote for forty licences.', duration: 3, segments: [{ start: 1.0, end: 2.0, text: 'I would like a quote for forty licences.' }] } },
	{
		transcript: {
			text: 'Thanks for calling Acme, this is Sam. I will send the quote by Friday.',
			duration: 3,
			segments: [
				{ start: 0.1, end: 0.9, text: 'Thanks for calling Acme, this is Sam.' },
				{ start: 2.1, end: 2.9, text: 'I will send the quote by Friday.' }
			]
		}
	},
	{
		text: JSON.stringify({
			summary: 'Dana asked for a quote for forty licences. Sam promised to send it by Friday.',
			actionItems: ['Send Dana the quote for forty licences by Friday', 'Book a follow-up call for next week']
		})
	}
];

/** The call transcribed whole, as one speaker: what a retry after a skip sends (the WAV went with the skip). */
const WHOLE_CALL: FakeStep[] = [
	{
		transcript: {
			text: 'Thanks for calling Acme, this is Sam. I would like a quote for forty licences. I will send the quote by Friday.',
			duration: 3,
			segments: [
				{ start: 0.1, end: 0.9, text: 'Thanks for calling Acme, this is Sam.' },
				{ start: 1.0, end: 2.0, text: 'I would like a quote for forty licences.' },
				{ start: 2.1, end: 2.9, text: 'I will send the quote by Friday.' }
			]
		}
	},
	STEPS[2]!
];

let openAi: { url: string; close: () => Promise<void> };
let twilioMedia: Server;
let twilioMediaUrl: string;

test.beforeAll(async () => {
	openAi = await startOpenAiFake();
	// Only what the recording copy asks Twilio for: GET …/Recordings/{sid}.mp3 and .wav, with HTTP basic auth.
	twilioMedia = createServer((req, res) => {
		const expected = `Basic ${Buffer.from(`${ACCOUNT_SID}:${TWILIO_AUTH_TOKEN}`).toString('base64')}`;
		if (req.headers.authorization !== expected) return res.writeHead(401).end();
		const ext = /\/Recordings\/RE[0-9a-f]{32}\.(mp3|wav)$/.exec(req.url ?? '')?.[1];
		if (req.method !== 'GET' || !ext) return res.writeHead(404).end();
		const media = ext === 'wav' ? CHANNELS : PLAYBACK;
		res.writeHead(200, { 'content-type': ext === 'wav' ? 'audio/x-wav' : 'audio/mpeg', 'content-length': String(media.length) }).end(media);
	});
	await new Promise<void>((resolve) => twilioMedia.listen(0, '127.0.0.1', resolve));
	twilioMediaUrl = `http://127.0.0.1:${(twilioMedia.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
	await openAi?.close();
	await new Promise((resolve) => twilioMedia?.close(resolve));
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function call<T>(request: APIRequestContext, token: string, method: 'get' | 'post' | 'put', path: string, data?: unknown) {
	const res = await request[method](path, { headers: auth(token), data });
	expect(res.status(), await res.text()).toBeLessThan(300);
	return ((await res.json()) as { data: T }).data;
}

/** A Twilio webhook as Twilio sends it: form-encoded, signed over the exact URL and its POST params. */
async function twilioHook(request: APIRequestContext, path: string, params: Record<string, string>) {
	const url = new URL(path, process.env.BASE_URL ?? 'http://127.0.0.1:8790').toString();
	const res = await request.post(url, { headers: { 'x-twilio-signature': getExpectedTwilioSignature(TWILIO_AUTH_TOKEN, url, params) }, form: params });
	expect([200, 204], await res.text()).toContain(res.status());
}

/**
 * An inbound Twilio call from Dana to the owner's browser, answered, ended and
 * recorded, as Twilio's signed webhooks report it; answers the call's id once
 * its transcript is no longer pending (done, failed or skipped).
 */
async function recordedTwilioCall(request: APIRequestContext, owner: AuthTokens) {
	const token = owner.accessToken;
	const queue = await call<{ id: string }>(request, token, 'post', '/api/telephony/queues', { name: 'Sales', members: [{ userId: owner.user.id }] });
	const provider = await call<{ id: string }>(request, token, 'post', '/api/telephony/providers', {
		type: 'twilio',
		name: 'Twilio',
		defaultQueueId: queue.id,
		config: {
			accountSid: ACCOUNT_SID,
			authToken: TWILIO_AUTH_TOKEN,
			apiKeySid: `SK${'2'.repeat(32)}`,
			apiKeySecret: 'fake-api-secret',
			twimlAppSid: `AP${'3'.repeat(32)}`,
			phoneNumbers: [NUMBER],
			recordCalls: true,
			apiBaseUrl: twilioMediaUrl
		}
	});
	await call(request, token, 'post', '/api/telephony/extensions', { providerId: provider.id, userId: owner.user.id, extension: `desk-${owner.user.id.slice(-6)}` });
	await call(request, token, 'put', '/api/agents/me/status', { status: 'available' });

	const hooks = `/api/telephony/twilio/${provider.id}`;
	const parent = sid('CA');
	const inbound = { AccountSid: ACCOUNT_SID, CallSid: parent, From: CUSTOMER, To: NUMBER, Direction: 'inbound' };
	await twilioHook(request, `${hooks}/voice`, { ...inbound, CallStatus: 'ringing' });
	const agentLeg = { AccountSid: ACCOUNT_SID, CallSid: sid('CA'), ParentCallSid: parent, From: CUSTOMER, To: `client:desk-${owner.user.id.slice(-6)}`, Direction: 'outbound-dial' };
	await twilioHook(request, `${hooks}/status?leg=agent`, { ...agentLeg, CallStatus: 'in-progress' });
	await twilioHook(request, `${hooks}/status`, { ...inbound, CallStatus: 'completed', CallDuration: '3' });
	const recordingSid = sid('RE');
	await twilioHook(request, `${hooks}/recording?kind=call`, {
		AccountSid: ACCOUNT_SID, CallSid: parent, RecordingSid: recordingSid, RecordingStatus: 'completed', RecordingDuration: '3', RecordingChannels: '2',
		RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`
	});
	const [recorded] = await call<{ id: string }[]>(request, token, 'get', '/api/telephony/calls');
	const callId = recorded!.id;
	// The queue copies the recording, then the transcription job takes it.
	await expect
		.poll(async () => (await call<{ status: string | null }>(request, token, 'get', `/api/ai/calls/${callId}/transcript`)).status, { timeout: 30_000 })
		.toMatch(/^(done|failed|skipped)$/);
	return callId;
}

test('reads a call transcript, seeks the recording from a segment and turns an action item into a task', async ({ browser, request }) => {
	const owner = (await registerViaApi(request, newPerson('Sam', 'Seller'), `Transcripts ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const token = owner.accessToken;
	const contact = await call<{ id: string }>(request, token, 'post', '/api/contacts', { firstName: 'Dana', lastName: 'Buyer', phone: CUSTOMER });

	const key = `sk-e2e-transcript-${Date.now().toString(36)}`;
	await call(request, token, 'put', '/api/ai/settings', { apiKey: key, baseUrl: `${openAi.url}/v1`, chatModel: 'fake-chat-1', transcribeModel: 'fake-whisper-1' });
	const scripted = await request.post(`${openAi.url}/__script`, { data: { key, steps: STEPS } });
	expect(scripted.status()).toBe(200);

	const callId = await recordedTwilioCall(request, owner);
	expect((await call<{ status: string }>(request, token, 'get', `/api/ai/calls/${callId}/transcript`)).status).toBe('done');

	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto(`/calls?call=${callId}`);
	const drawer = page.getByTestId('call-drawer');
	const transcript = drawer.getByTestId('call-transcript');
	await expect(transcript).toHaveAttribute('data-status', 'done');
	const segments = transcript.getByTestId('transcript-segment');
	await expect(segments).toHaveCount(3);
	await expect(segments.nth(0)).toContainText('Agent');
	await expect(segments.nth(0)).toContainText('Thanks for calling Acme, this is Sam.');
	await expect(segments.nth(1)).toContainText('Customer');
	await expect(segments.nth(1)).toContainText('0:01');
	await expect(segments.nth(2)).toContainText('I will send the quote by Friday.');
	await expect(transcript.getByTestId('transcript-summary')).toHaveText('Dana asked for a quote for forty licences. Sam promised to send it by Friday.');
	await expect(transcript.getByTestId('action-item')).toHaveCount(2);
	await transcript.scrollIntoViewIfNeeded();
	await screenshot(page, 'ai-call-transcript', { fullPage: false });

	// A segment plays the recording from its start (the recording loads on the way).
	await segments.nth(2).click();
	const audio = drawer.getByTestId('recording-audio');
	await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 15_000 }).toBeGreaterThanOrEqual(2.1);
	expect(await audio.evaluate((a: HTMLAudioElement) => a.currentTime)).toBeLessThanOrEqual(3.01);
	// Paused inside the caller's line, that line is the one marked.
	await audio.evaluate((a: HTMLAudioElement) => {
		a.pause();
		a.currentTime = 1.5;
	});
	await expect(segments.nth(1)).toHaveAttribute('aria-current', 'true');
	await expect(segments.nth(2)).not.toHaveAttribute('aria-current', 'true');
	await screenshot(page, 'ai-call-transcript-playing', { fullPage: false });

	// One click: the first action item becomes a task on Dana's timeline.
	const [first, second] = [transcript.getByTestId('action-item').nth(0), transcript.getByTestId('action-item').nth(1)];
	await first.getByTestId('create-task').click();
	await expect(first.getByTestId('action-item-task')).toHaveAttribute('href', `/contacts/${contact.id}`);
	await expect(second.getByTestId('create-task')).toBeVisible();
	const tasks = await call<{ subject: string; contactId: string; type: string }[]>(request, token, 'get', `/api/activities?contactId=${contact.id}&type=task`);
	expect(tasks).toEqual([expect.objectContaining({ type: 'task', subject: 'Send Dana the quote for forty licences by Friday', contactId: contact.id })]);
	await first.scrollIntoViewIfNeeded();
	await screenshot(page, 'ai-call-transcript-task', { fullPage: false });

	// Found again by what was said: in the call log, and from anywhere through the command palette.
	await page.goto('/calls?q=licences');
	await expect(page.getByTestId('call-row')).toHaveCount(1);
	await expect(page.getByTestId('call-row')).toContainText('Dana Buyer');
	await page.goto('/pipeline');
	await expect(page.getByTestId('board')).toBeVisible();
	await page.keyboard.press('Control+k');
	const palette = page.getByRole('dialog', { name: 'Command palette' });
	await palette.getByRole('combobox').pressSequentially('forty licen', { delay: 30 });
	const found = palette.getByRole('option', { name: /Call with Dana Buyer/ });
	await expect(found).toBeVisible();
	await expect(found).toContainText('quote for forty licences');
	await screenshot(page, 'ai-call-transcript-palette', { fullPage: false });
	await found.click();
	await expect(page).toHaveURL(new RegExp(`/calls\\?call=${callId}$`));
	await expect(page.getByTestId('call-drawer').getByTestId('call-transcript')).toHaveAttribute('data-status', 'done');

	expect(errors).toEqual([]);
	await context.close();
});

test('says why a recording was not transcribed and what to change, then transcribes it on retry', async ({ browser, request }) => {
	const owner = (await registerViaApi(request, newPerson('Tia', 'Turnedoff'), `No transcripts ${Date.now().toString(36)}`)) as unknown as AuthTokens;
	const token = owner.accessToken;
	const key = `sk-e2e-transcript-off-${Date.now().toString(36)}`;
	await call(request, token, 'put', '/api/ai/settings', { apiKey: key, baseUrl: `${openAi.url}/v1`, transcriptionEnabled: false });
	const callId = await recordedTwilioCall(request, owner);
	expect((await call<{ status: string }>(request, token, 'get', `/api/ai/calls/${callId}/transcript`)).status).toBe('skipped');

	const context = await signedInContext(browser, owner);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto(`/calls?call=${callId}`);
	const transcript = page.getByTestId('call-transcript');
	const skipped = transcript.getByTestId('transcript-skipped');
	await expect(skipped).toContainText('Transcription is turned off for this organization');
	await expect(skipped.getByRole('link', { name: 'Open AI settings' })).toHaveAttribute('href', '/settings/ai');
	await transcript.scrollIntoViewIfNeeded();
	await screenshot(page, 'ai-call-transcript-skipped', { fullPage: false });
	// Nothing went to the model while the switch was off.
	expect(await (await request.get(`${openAi.url}/__requests`, { params: { key } })).json()).toEqual([]);

	await call(request, token, 'put', '/api/ai/settings', { transcriptionEnabled: true });
	const scripted = await request.post(`${openAi.url}/__script`, { data: { key, steps: WHOLE_CALL } });
	expect(scripted.status()).toBe(200);
	await skipped.getByTestId('transcript-retry').click();
	// Pending, then done: the drawer looks again until the job has finished.
	await expect(transcript).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
	const segments = transcript.getByTestId('transcript-segment');
	await expect(segments).toHaveCount(3);
	// The skip deleted the dual-channel WAV, so the retry sent the MP3: one upload, one speaker.
	await expect(segments.nth(1)).toContainText('Speaker');
	const uploads = (await (await request.get(`${openAi.url}/__requests`, { params: { key } })).json()) as { path: string }[];
	expect(uploads.map((r) => r.path)).toEqual(['/v1/audio/transcriptions', '/v1/chat/completions']);
	expect(errors).toEqual([]);
	await context.close();
});
