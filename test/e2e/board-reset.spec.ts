import { expect, test, type Browser, type Page } from '@playwright/test';
import WebSocket from 'ws';
import YProvider from 'y-partyserver/provider';
import * as Y from 'yjs';
import {
	card,
	cardIn,
	createDealViaApi,
	defaultPipelineViaApi,
	dragCard,
	findDealViaApi,
	signedInContext,
	waitForOfflineShell,
	type AuthTokens
} from './board-helpers';
import { newPerson, registerViaApi, screenshot, watchPageErrors } from './helpers';

const CLOSE_BOARD_RESET = 4009;
/** 3 cards × 500 overwrites per batch, ~9 bytes of history each: about 560 KiB, past the 256 KiB floor. */
const BATCHES = 40;

async function openBoard(browser: Browser, auth: AuthTokens) {
	const context = await signedInContext(browser, auth);
	const page = await context.newPage();
	const errors = watchPageErrors(page);
	await page.goto('/pipeline');
	await expect(page.getByTestId('board')).toBeVisible();
	return { context, page, errors };
}

async function expectOnline(page: Page) {
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-status', 'online');
}

/**
 * A teammate's script editing the board through the room the way any Yjs
 * client does: amount overwrites on every card, round after round, until the
 * document carries more history than the room allows and it squashes (the
 * room then closes this socket with the reset code).
 */
/** The epoch A's IndexedDB copy of the board belongs to (y-indexeddb's custom store). */
function storedEpoch(page: Page, organizationId: string) {
	return page.evaluate(
		(name) =>
			new Promise<unknown>((resolve) => {
				const open = indexedDB.open(name);
				open.onerror = () => resolve(null);
				open.onsuccess = () => {
					const db = open.result;
					const get = db.transaction('custom').objectStore('custom').get('epoch');
					get.onsuccess = () => resolve(get.result);
					get.onerror = () => resolve(null);
				};
			}),
		`neuracrm-org-${organizationId}`
	);
}

/** The room's board as a client with no copy gets it: its encoded size, and its cards. */
async function roomBoard(baseURL: string, auth: AuthTokens) {
	const doc = new Y.Doc();
	const provider = new YProvider(new URL(baseURL).host, auth.organization.id, doc, {
		party: 'org-room',
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: { token: auth.accessToken }
	});
	await new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('synced', () => resolve())));
	const result = { bytes: Y.encodeStateAsUpdate(doc).byteLength, cards: doc.getMap('deals').size };
	provider.destroy();
	return result;
}

async function churnUntilSquashed(baseURL: string, auth: AuthTokens) {
	const doc = new Y.Doc();
	const provider = new YProvider(new URL(baseURL).host, auth.organization.id, doc, {
		party: 'org-room',
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		params: { token: auth.accessToken }
	});
	const reset = new Promise<void>((resolve) =>
		provider.on('connection-close', (event: CloseEvent | null) => {
			if (event?.code === CLOSE_BOARD_RESET) resolve();
		})
	);
	await new Promise<void>((resolve) => (provider.synced ? resolve() : provider.once('synced', () => resolve())));
	const deals = doc.getMap<Y.Map<unknown>>('deals');
	for (let batch = 0; batch < BATCHES; batch++) {
		doc.transact(() => {
			for (let round = 0; round < 500; round++) {
				for (const map of deals.values()) map.set('amount', (map.get('amount') as number) + 1);
			}
		});
	}
	await reset;
	provider.destroy();
}

test('an edit made offline survives the board being squashed meanwhile, without duplicating a card', async ({
	browser,
	request,
	baseURL
}) => {
	const owner = newPerson('Olivia', 'Owner');
	const auth = (await registerViaApi(request, owner, `Squash ${Date.now().toString(36)}`)) as AuthTokens;
	const pipeline = await defaultPipelineViaApi(request, auth.accessToken);
	const stage = (name: string) => pipeline.stages.find((s) => s.name === name)!.id;
	for (const [title, stageName] of [
		['Stark rollout', 'Lead'],
		['Wayne audit', 'Lead'],
		['Tyrell fleet', 'Qualified']
	] as const) {
		await createDealViaApi(request, auth.accessToken, { title, amount: 1000, stageId: stage(stageName), pipelineId: pipeline.id });
	}
	const a = await openBoard(browser, auth);
	const b = await openBoard(browser, auth);
	await expectOnline(a.page);
	await expectOnline(b.page);
	await waitForOfflineShell(a.page);

	await test.step('A goes offline and moves a card', async () => {
		await a.context.setOffline(true);
		await expect(a.page.getByTestId('offline-banner')).toBeVisible();
		await dragCard(a.page, card(a.page, 'Stark rollout'), 'Proposal');
		await expect(cardIn(a.page, 'Proposal', 'Stark rollout')).toBeVisible();
	});

	await test.step('meanwhile the board takes so many edits that the room squashes it', async () => {
		await churnUntilSquashed(baseURL!, auth);
		// B was online: reset, fresh copy, and back online with every card once.
		await expectOnline(b.page);
		await expect(b.page.getByTestId('deal-card')).toHaveCount(3);
		await expect(cardIn(b.page, 'Lead', 'Stark rollout')).toBeVisible();
	});

	await test.step('A comes back: its copy is reset and its offline move replayed', async () => {
		await a.context.setOffline(false);
		await expect(a.page.getByTestId('offline-banner')).toBeHidden();
		await expectOnline(a.page);
		for (const { page } of [a, b]) {
			await expect(cardIn(page, 'Proposal', 'Stark rollout')).toBeVisible();
			await expect(cardIn(page, 'Lead', 'Wayne audit')).toBeVisible();
			await expect(page.getByTestId('deal-card')).toHaveCount(3);
		}
		await screenshot(a.page, 'board-reset-01-after-squash');
		// A dropped its old copy (it belongs to the new epoch now) instead of merging the old history back.
		await expect.poll(() => storedEpoch(a.page, auth.organization.id)).toBe(1);
		const board = await roomBoard(baseURL!, auth);
		expect(board.cards).toBe(3);
		expect(board.bytes).toBeLessThan(64 * 1024);
		await expect
			.poll(async () => (await findDealViaApi(request, auth.accessToken, 'Stark rollout'))?.stageId)
			.toBe(stage('Proposal'));
		// The churned amounts survived the squash too.
		expect((await findDealViaApi(request, auth.accessToken, 'Wayne audit'))?.amount).toBe(1000 + BATCHES * 500);
	});

	expect(a.errors).toEqual([]);
	expect(b.errors).toEqual([]);
	await a.context.close();
	await b.context.close();
});
