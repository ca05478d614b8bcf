import { expect, test, type APIRequestContext, type BrowserContext, type Page, type Request } from '@playwright/test';
import { mkdirSync } from 'node:fs';

export const PASSWORD = 'Correct-Horse-42';
const SCREENSHOTS = 'test-results/screenshots';

let counter = 0;
/** A unique, readable identity for one test user. */
export function newPerson(first: string, last: string) {
	const tag = `${Date.now().toString(36)}${(counter++).toString(36)}`;
	return {
		name: `${first} ${last}`,
		email: `${first.toLowerCase()}.${tag}@example.com`,
		password: PASSWORD
	};
}

export type Person = ReturnType<typeof newPerson>;

/** Fails the test on CSP violations and uncaught errors in the page. */
export function watchPageErrors(page: Page): string[] {
	const problems: string[] = [];
	page.on('console', (msg) => {
		const text = msg.text();
		if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(text)) problems.push(text);
	});
	page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
	return problems;
}

export async function screenshot(page: Page, name: string, { fullPage = true } = {}) {
	mkdirSync(SCREENSHOTS, { recursive: true });
	await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage, animations: 'disabled' });
}

export async function registerViaUi(page: Page, person: Person, organization: string) {
	await page.goto('/register');
	await page.getByLabel('Your name').fill(person.name);
	await page.getByLabel('Work email').fill(person.email);
	await page.getByLabel('Password').fill(person.password);
	await page.getByLabel('Organization name').fill(organization);
	const trouble = watchRequests(page);
	await page.getByRole('button', { name: 'Create organization' }).click();
	try {
		await expect(page).toHaveURL(/\/$/);
	} catch (err) {
		const alerts = await page.getByRole('alert').allTextContents();
		throw new Error(
			`registration stayed on ${page.url()}; alerts: ${JSON.stringify(alerts)}; requests: ${JSON.stringify(trouble())}`,
			{ cause: err }
		);
	}
	await expect(page.getByTestId('welcome')).toContainText(person.name.split(' ')[0]!);
}

/** Failed and unanswered requests of a page, to explain a flow that got stuck. */
function watchRequests(page: Page) {
	const trouble: string[] = [];
	const pending = new Set<string>();
	const key = (req: Request) => `${req.method()} ${req.url()}`;
	page.on('request', (req) => pending.add(key(req)));
	page.on('requestfinished', (req) => pending.delete(key(req)));
	page.on('requestfailed', (req) => {
		pending.delete(key(req));
		trouble.push(`${key(req)} failed: ${req.failure()?.errorText}`);
	});
	page.on('response', (res) => {
		if (res.status() >= 400) trouble.push(`${key(res.request())} → ${res.status()}`);
	});
	return () => [...trouble, ...[...pending].map((req) => `${req} (no answer)`)];
}

interface AuthResult {
	accessToken: string;
	refreshToken: string;
	user: { id: string; name: string };
	organization: { id: string; name: string };
}

/**
 * Register through the API (faster set-up for tests that are about something else).
 * Each from an address of its own (wrangler dev keeps a cf-connecting-ip the client
 * sends), so the run's many set-ups stay clear of the per-IP registration limit.
 */
export async function registerViaApi(
	request: APIRequestContext,
	person: Person,
	organizationName: string
): Promise<AuthResult> {
	const res = await request.post('/api/auth/register', {
		data: { name: person.name, email: person.email, password: person.password, organizationName },
		headers: { 'cf-connecting-ip': `198.18.0.2-${person.email}` }
	});
	expect(res.status(), await res.text()).toBe(201);
	return ((await res.json()) as { data: AuthResult }).data;
}

export async function inviteViaApi(
	request: APIRequestContext,
	accessToken: string,
	email: string,
	role: string
): Promise<string> {
	const res = await request.post('/api/organizations/current/invitations', {
		headers: { authorization: `Bearer ${accessToken}` },
		data: { email, role }
	});
	expect(res.status(), await res.text()).toBe(201);
	return ((await res.json()) as { data: { acceptUrl: string } }).data.acceptUrl;
}

/** Accept an invitation as a new account through the invite page. */
export async function acceptAsNewAccount(page: Page, link: string, person: Person) {
	const path = new URL(link).pathname;
	if (new URL(page.url(), 'http://x').pathname !== path) await page.goto(path);
	await page.getByLabel('Your name').fill(person.name);
	await page.getByLabel('Choose a password').fill(person.password);
	await page.getByRole('button', { name: 'Create account and join' }).click();
	await expect(page).toHaveURL(/\/$/);
	await expect(page.getByTestId('welcome')).toBeVisible();
}

/** The sidebar's "Online now" section (desktop layout). */
export function onlineNow(page: Page) {
	return page.getByRole('complementary', { name: 'Sidebar' }).getByTestId('online-now');
}

/** Accept an invitation through the API as a new account. */
export async function acceptViaApi(request: APIRequestContext, link: string, person: Person) {
	const token = new URL(link).pathname.split('/').pop();
	const res = await request.post(`/api/invitations/${token}/accept`, {
		data: { name: person.name, password: person.password }
	});
	expect(res.status(), await res.text()).toBe(200);
}

export async function signInViaUi(page: Page, person: Person) {
	await page.goto('/login');
	await page.getByLabel('Email address').fill(person.email);
	await page.getByLabel('Password').fill(person.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
}

/** The refresh cookie the server sets for a browser sign-in, put into `context` as the app would have it. */
export async function addRefreshCookie(context: BrowserContext, refreshToken: string) {
	const { hostname } = new URL(test.info().project.use.baseURL ?? 'http://127.0.0.1:8790');
	await context.addCookies([
		{
			name: 'neuracrm_refresh',
			value: refreshToken,
			domain: hostname,
			path: '/api/auth',
			httpOnly: true,
			secure: true,
			sameSite: 'Strict'
		}
	]);
}
