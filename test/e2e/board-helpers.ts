import { expect, type APIRequestContext, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { addRefreshCookie } from './helpers';

export interface Stage {
	id: string;
	name: string;
	probability: number;
}

export interface Pipeline {
	id: string;
	name: string;
	isDefault: boolean;
	stages: Stage[];
}

export interface SeededDeal {
	id: string;
	title: string;
	stageId: string;
}

function auth(token: string) {
	return { authorization: `Bearer ${token}` };
}

export async function defaultPipelineViaApi(request: APIRequestContext, token: string): Promise<Pipeline> {
	const res = await request.get('/api/pipelines', { headers: auth(token) });
	expect(res.status(), await res.text()).toBe(200);
	const pipelines = ((await res.json()) as { data: Pipeline[] }).data;
	const pipeline = pipelines.find((p) => p.isDefault) ?? pipelines[0];
	expect(pipeline, 'the organization has a pipeline').toBeTruthy();
	return pipeline!;
}

export async function createDealViaApi(
	request: APIRequestContext,
	token: string,
	deal: { title: string; amount?: number; stageId: string; pipelineId: string; tags?: string[]; closeDate?: string }
): Promise<SeededDeal> {
	const res = await request.post('/api/deals', { headers: auth(token), data: { currency: 'USD', ...deal } });
	expect(res.status(), await res.text()).toBe(201);
	return ((await res.json()) as { data: SeededDeal }).data;
}

interface StoredDeal {
	id: string;
	title: string;
	amount: number;
	stageId: string;
	status: string;
}

/** A deal of the organization by its exact title, as the API stores it (or undefined). */
export async function findDealViaApi(request: APIRequestContext, token: string, title: string) {
	const res = await request.get('/api/deals', { headers: auth(token), params: { per_page: 100 } });
	expect(res.status(), await res.text()).toBe(200);
	return ((await res.json()) as { data: StoredDeal[] }).data.find((d) => d.title === title);
}

/** A stage's column on the board. */
export function column(page: Page, stageName: string): Locator {
	return page.locator(`[data-testid="board-column"][data-stage-name="${stageName}"]`);
}

/** A deal's card anywhere on the board. */
export function card(page: Page, title: string): Locator {
	return page.getByTestId('deal-card').filter({ has: page.getByTestId('deal-title').getByText(title, { exact: true }) });
}

/** A deal's card within one stage's column. */
export function cardIn(page: Page, stageName: string, title: string): Locator {
	return column(page, stageName)
		.getByTestId('deal-card')
		.filter({ has: page.getByTestId('deal-title').getByText(title, { exact: true }) });
}

/**
 * Presses on a card, drags it over a column's list and (unless `hold`) drops
 * it there, with small pointer steps as a person's hand would make them.
 */
export async function dragCard(page: Page, from: Locator, toStage: string, { hold = false } = {}) {
	const source = await from.boundingBox();
	const target = await column(page, toStage).getByTestId('column-cards').boundingBox();
	if (!source || !target) throw new Error('card or column is not visible');
	const startX = source.x + source.width / 2;
	const startY = source.y + 16;
	await page.mouse.move(startX, startY);
	await page.mouse.down();
	await page.mouse.move(startX + 8, startY + 8, { steps: 4 });
	await page.mouse.move(target.x + target.width / 2, target.y + Math.min(40, target.height / 2), { steps: 16 });
	await page.waitForTimeout(150);
	if (!hold) await page.mouse.up();
}

/** Waits until the page is controlled by the service worker (the app shell is cached). */
export async function waitForOfflineShell(page: Page) {
	await page.waitForFunction(async () => {
		const registration = await navigator.serviceWorker?.ready;
		return Boolean(registration?.active && navigator.serviceWorker.controller);
	});
}

/**
 * Reloads a page of an offline context. Under Playwright's network emulation,
 * Chromium 150 (Debian's) reports `navigator.onLine === true` in a document
 * the service worker served while offline, and then never fires `online`.
 * Setting the emulation again makes the new document see the network as it is,
 * as a real offline browser would.
 */
export async function reloadOffline(view: { page: Page; context: BrowserContext }) {
	await view.page.reload();
	await view.context.setOffline(false);
	await view.context.setOffline(true);
}

/** What register, login and invitation accept answer (the parts the app stores). */
export interface AuthTokens {
	accessToken: string;
	refreshToken: string;
	expiresIn: number;
	user: { id: string; name: string };
	organization: { id: string; name: string };
}

/** Accept an invitation through the API and keep the session it answers. */
export async function acceptForTokens(request: APIRequestContext, link: string, person: { name: string; password: string }) {
	const token = new URL(link).pathname.split('/').pop();
	const res = await request.post(`/api/invitations/${token}/accept`, { data: { name: person.name, password: person.password } });
	expect(res.status(), await res.text()).toBe(200);
	return ((await res.json()) as { data: AuthTokens }).data;
}

/**
 * A browser context already signed in with `auth` (as the app keeps a session:
 * the refresh token in its cookie, the access token in storage), so a test with
 * many people does not run into the sign-in rate limit. The access token is
 * written only when the context has none, so a reload keeps the app's newer one.
 */
export async function signedInContext(browser: Browser, auth: AuthTokens) {
	const context = await browser.newContext();
	await addRefreshCookie(context, auth.refreshToken);
	const stored = {
		accessToken: auth.accessToken,
		expiresAt: Date.now() + auth.expiresIn * 1000,
		userId: auth.user.id,
		organizationId: auth.organization.id
	};
	await context.addInitScript((value) => {
		if (location.origin !== 'null' && !localStorage.getItem('neuracrm.auth')) {
			localStorage.setItem('neuracrm.auth', value);
		}
	}, JSON.stringify(stored));
	return context;
}
