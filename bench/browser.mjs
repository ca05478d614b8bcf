// A 5,000-card board in Chromium: time from navigation to the first card on
// screen and to interactive (every column rendered with its count, the live
// connection online), cold (empty cache) and warm (IndexedDB copy), with a
// 20-card board measured the same way as the baseline.
import { chromium } from "playwright-core";
import { generateNKeysBetween } from "fractional-indexing";
import * as Y from "yjs";
import { api, connect, whenChanged } from "./clients.mjs";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
  "--no-first-run", "--disable-component-update", "--disable-sync"];

export async function register(url, label) {
  return api(url, "/api/auth/register", {
    body: { name: "Browser Bench", email: `${label.toLowerCase().replace(/\s+/g, "-")}-${Date.now()}@example.com`, password: "bench-password-2026", organizationName: label },
  });
}

/** Writes `n` open cards straight into the board document, as an offline client would. */
export async function fillBoard(url, auth, n) {
  const [pipeline] = (await api(url, "/api/pipelines", { token: auth.accessToken })).filter((p) => p.isDefault);
  const stages = pipeline.stages.slice(0, 4);
  const client = connect(url, "org-room", auth.organization.id, auth.accessToken);
  await client.synced;
  const now = Date.now();
  const keys = generateNKeysBetween(null, null, n);
  client.doc.transact(() => {
    for (let i = 0; i < n; i++) {
      const card = new Y.Map();
      const fields = {
        title: `Deal ${i}`, amount: 1000 + i, currency: "USD", pipelineId: pipeline.id, stageId: stages[i % 4].id,
        position: keys[i], ownerId: auth.user.id, contactId: null,
        companyId: null, leadId: null, closeDate: null, status: "open", lostReason: null, tags: [], createdBy: auth.user.id,
        createdAt: now, updatedBy: auth.user.id, updatedAt: now,
      };
      for (const [k, v] of Object.entries(fields)) card.set(k, v);
      client.deals.set(crypto.randomUUID(), card);
    }
  });
  const peer = connect(url, "org-room", auth.organization.id, auth.accessToken);
  await peer.synced;
  await whenChanged(peer.deals, () => peer.deals.size === n);
  client.provider.destroy();
  peer.provider.destroy();
}

async function openBoard(browser, url, auth, context) {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1440, height: 900 } }));
  if (!context) {
    // As the app keeps a session: the refresh token in its HttpOnly cookie, the access token in storage.
    await ctx.addCookies([{ name: "neuracrm_refresh", value: auth.refreshToken, domain: new URL(url).hostname, path: "/api/auth", httpOnly: true, secure: true, sameSite: "Strict" }]);
    const stored = JSON.stringify({ accessToken: auth.accessToken, expiresAt: Date.now() + auth.expiresIn * 1000, userId: auth.user.id, organizationId: auth.organization.id });
    await ctx.addInitScript((value) => { if (!localStorage.getItem("neuracrm.auth")) localStorage.setItem("neuracrm.auth", value); }, stored);
  }
  const page = await ctx.newPage();
  const t0 = Date.now();
  await page.goto(`${url}/pipeline`);
  await page.getByTestId("deal-card").first().waitFor({ timeout: 60_000 });
  const firstCard = Date.now() - t0;
  await page.getByTestId("connection-status").first().and(page.locator('[data-status="online"]')).waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="column-count"]').length >= 4);
  const interactive = Date.now() - t0;
  await page.close();
  return { ctx, firstCard, interactive };
}

export async function benchBrowser({ url, cards = 5000 }) {
  const big = await register(url, "Big Board");
  const small = await register(url, "Small Board");
  await fillBoard(url, big, cards);
  await fillBoard(url, small, 20);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
  try {
    const baseCold = await openBoard(browser, url, small);
    const bigCold = await openBoard(browser, url, big);
    const bigWarm = await openBoard(browser, url, big, bigCold.ctx);
    console.log(`\nBrowser: the pipeline board in headless Chromium (time from navigation)`);
    console.log(`  20 cards (baseline), cold:   first card ${baseCold.firstCard} ms, interactive ${baseCold.interactive} ms`);
    console.log(`  ${cards} cards, cold:          first card ${bigCold.firstCard} ms, interactive ${bigCold.interactive} ms`);
    console.log(`  ${cards} cards, warm (IndexedDB): first card ${bigWarm.firstCard} ms, interactive ${bigWarm.interactive} ms`);
    console.log(`  ratio interactive cold vs baseline ${(bigCold.interactive / baseCold.interactive).toFixed(2)}x`);
  } finally {
    await browser.close();
  }
}
