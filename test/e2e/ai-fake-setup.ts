import { expect, type APIRequestContext, type Page } from '@playwright/test';
import type { FakeStep } from '../fakes/openai-fake-lanes';
import type { AuthTokens } from './board-helpers';

/** The browser tests' side of the fake OpenAI-compatible server: an organization's settings pointed at it, and what it answers next. */

let lanes = 0;
/** A key of its own per test: each key is one lane of the fake. */
export const uniqueFakeKey = (label: string) => `sk-e2e-${label}-${Date.now().toString(36)}-${(lanes++).toString(36)}`;

export async function connectOrgToFake(request: APIRequestContext, owner: AuthTokens, fakeUrl: string, key = uniqueFakeKey('org')) {
	const res = await request.put('/api/ai/settings', {
		headers: { authorization: `Bearer ${owner.accessToken}` },
		data: { apiKey: key, baseUrl: `${fakeUrl}/v1`, chatModel: 'fake-chat-1' }
	});
	expect(res.status(), await res.text()).toBe(200);
	return key;
}

export async function scriptFake(request: APIRequestContext, fakeUrl: string, key: string, steps: FakeStep[]) {
	const res = await request.post(`${fakeUrl}/__script`, { data: { key, steps } });
	expect(res.status(), await res.text()).toBe(200);
}

export async function fakeRequestCount(request: APIRequestContext, fakeUrl: string, key: string) {
	const res = await request.get(`${fakeUrl}/__requests`, { params: { key } });
	return ((await res.json()) as unknown[]).length;
}

/** Today's date in UTC (a new organization's time zone), after waiting out a month that is about to end. */
export async function dateThisMonth(page: Page): Promise<string> {
	const now = Date.now();
	const d = new Date(now);
	const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
	if (nextMonth - now < 60_000) await page.waitForTimeout(nextMonth - now + 1_000);
	return new Date().toISOString().slice(0, 10);
}

/** Opens the assistant with its keyboard shortcut. */
export async function openAssistant(page: Page) {
	// The shortcut works once the app has its session (the panel lives in the signed-in layout).
	await expect(page.getByRole('complementary', { name: 'Sidebar' }).getByTestId('open-assistant')).toBeVisible();
	await page.keyboard.press('ControlOrMeta+j');
	const panel = page.getByTestId('ai-panel');
	await expect(panel).toBeVisible();
	return panel;
}
