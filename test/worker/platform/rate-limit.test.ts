import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../../worker/platform/scheduled-tasks";
import { directoryDb } from "../../../worker/platform/db";
import { LIMITS } from "../../../worker/platform/abuse-limits";
import { hitRateLimit, MAX_WINDOW_MS, purgeExpiredRateLimits } from "../../../worker/platform/rate-limit";
import { api, expectError, registerAccount, STRONG_PASSWORD, unique, uniqueIp, type Account, type ApiResult } from "../../helpers";

const attempt = (email: string, ip: string, password = "wrong-password-1") =>
  api("/api/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip } });

describe("login rate limiting", () => {
  it("allows five attempts per email in 20 s, then answers 429 with Retry-After", async () => {
    const a = await registerAccount("rl");
    for (let i = 0; i < 5; i++) expectError(await attempt(a.email, `10.0.${i}.1`), 401, "unauthorized");
    const blocked = await attempt(a.email, "10.0.9.9", a.password);
    expectError(blocked, 429, "rate_limited");
    const retry = Number(blocked.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(20);
  });

  it("limits one IP trying many emails", async () => {
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}-${unique()}`;
    for (let i = 0; i < 5; i++) await attempt(`${unique("spray")}@example.com`, ip);
    expectError(await attempt(`${unique("spray")}@example.com`, ip), 429, "rate_limited");
  });

  it("does not limit other emails from other addresses", async () => {
    const a = await registerAccount("rl-other");
    for (let i = 0; i < 5; i++) await attempt(`${unique("noise")}@example.com`, `198.51.100.${i}`);
    const ok = await attempt(a.email, `203.0.113.${Math.floor(Math.random() * 250)}-${unique()}`, a.password);
    expect(ok.status).toBe(200);
  });
});

const count = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).first<{ n: number }>())!.n;

function expectLimited(res: ApiResult, maxWaitSeconds: number) {
  expectError(res, 429, "rate_limited");
  const retry = Number(res.headers.get("retry-after"));
  expect(retry).toBeGreaterThanOrEqual(1);
  expect(retry).toBeLessThanOrEqual(maxWaitSeconds);
}

describe("registration rate limiting", () => {
  it(`allows ${LIMITS.REGISTRATIONS.limit} sign-ups per hour from one address, then 429 with nothing created`, async () => {
    const ip = uniqueIp();
    const signUp = (email: string) =>
      api("/api/auth/register", {
        body: { name: "Nat Office", email, password: STRONG_PASSWORD, organizationName: "NAT office" },
        headers: { "cf-connecting-ip": ip },
      });
    for (let i = 0; i < LIMITS.REGISTRATIONS.limit; i++) {
      expect((await signUp(`${unique("nat")}@example.com`)).status).toBe(201);
    }
    const [users, orgs] = [await count("SELECT count(*) AS n FROM users"), await count("SELECT count(*) AS n FROM organizations")];
    const email = `${unique("one-too-many")}@example.com`;
    expectLimited(await signUp(email), 3600);
    expect(await count("SELECT count(*) AS n FROM users WHERE email = ?", email)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM users")).toBe(users);
    expect(await count("SELECT count(*) AS n FROM organizations")).toBe(orgs);
    const elsewhere = await api("/api/auth/register", {
      body: { name: "Elsewhere", email, password: STRONG_PASSWORD, organizationName: "Elsewhere" },
      headers: { "cf-connecting-ip": uniqueIp() },
    });
    expect(elsewhere.status).toBe(201);
  }, 60_000);
});

describe("refresh rate limiting", () => {
  it(`allows ${LIMITS.REFRESHES.limit} refreshes a minute from one address, then 429 without spending the token`, async () => {
    const a = await registerAccount("rl-refresh");
    const ip = uniqueIp();
    const [id] = a.refreshToken.split(".");
    for (let i = 0; i < LIMITS.REFRESHES.limit; i++) {
      const res = await api("/api/auth/refresh", { body: { refreshToken: `${id}.forged-${i}` }, headers: { "cf-connecting-ip": ip } });
      expectError(res, 401, "unauthorized");
    }
    const tokensBefore = await count("SELECT count(*) AS n FROM refresh_tokens");
    expectLimited(await api("/api/auth/refresh", { body: { refreshToken: a.refreshToken }, headers: { "cf-connecting-ip": ip } }), 60);
    expect(await count("SELECT count(*) AS n FROM refresh_tokens")).toBe(tokensBefore);
    expect(await count("SELECT count(*) AS n FROM refresh_tokens WHERE used_at IS NOT NULL AND id = ?", id)).toBe(0);
    const elsewhere = await api("/api/auth/refresh", { body: { refreshToken: a.refreshToken }, headers: { "cf-connecting-ip": uniqueIp() } });
    expect(elsewhere.status).toBe(200);
  }, 60_000);
});

describe("organization creation rate limiting", () => {
  const create = (a: Account, ip: string, name = "Side project") =>
    api("/api/organizations", { token: a.token, body: { name }, headers: { "cf-connecting-ip": ip } });

  it(`allows one user ${LIMITS.ORGANIZATIONS_PER_USER.limit} new organizations an hour, from any address`, async () => {
    const a = await registerAccount("rl-orgs");
    for (let i = 0; i < LIMITS.ORGANIZATIONS_PER_USER.limit; i++) expect((await create(a, uniqueIp())).status).toBe(201);
    const orgs = await count("SELECT count(*) AS n FROM memberships WHERE user_id = ?", a.userId);
    expectLimited(await create(a, uniqueIp(), "One too many"), 3600);
    expect(await count("SELECT count(*) AS n FROM memberships WHERE user_id = ?", a.userId)).toBe(orgs);
    expect(await count("SELECT count(*) AS n FROM organizations WHERE name = 'One too many'")).toBe(0);
  }, 60_000);

  it(`allows one address ${LIMITS.ORGANIZATIONS_PER_IP.limit} new organizations an hour, whoever asks`, async () => {
    const ip = uniqueIp();
    const perUser = LIMITS.ORGANIZATIONS_PER_USER.limit;
    let made = 0;
    while (made < LIMITS.ORGANIZATIONS_PER_IP.limit) {
      const a = await registerAccount("rl-orgs-ip");
      for (let i = 0; i < perUser && made < LIMITS.ORGANIZATIONS_PER_IP.limit; i++, made++) expect((await create(a, ip)).status).toBe(201);
    }
    const fresh = await registerAccount("rl-orgs-fresh");
    const name = `Blocked ${unique()}`;
    expectLimited(await create(fresh, ip, name), 3600);
    expect(await count("SELECT count(*) AS n FROM organizations WHERE name = ?", name)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM memberships WHERE user_id = ?", fresh.userId)).toBe(1);
  }, 60_000);
});

describe("rate-limit rows", () => {
  const seed = (key: string, windowStart: number) =>
    env.DB.prepare("INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 3)").bind(key, windowStart).run();
  const exists = async (key: string) => (await count("SELECT count(*) AS n FROM rate_limits WHERE key = ?", key)) === 1;

  it("are purged once their window is over, and only then", async () => {
    const now = Date.now();
    const [old, recent] = [`purge:old:${unique()}`, `purge:recent:${unique()}`];
    await seed(old, now - MAX_WINDOW_MS - 1);
    await seed(recent, now - MAX_WINDOW_MS + 60_000);
    expect(await purgeExpiredRateLimits(directoryDb(env), now)).toBeGreaterThanOrEqual(1);
    expect(await exists(old)).toBe(false);
    expect(await exists(recent)).toBe(true);
  });

  it("are purged by the scheduled run", async () => {
    const key = `purge:cron:${unique()}`;
    await seed(key, Date.now() - MAX_WINDOW_MS - 60_000);
    await runScheduled(env, new Date());
    expect(await exists(key)).toBe(false);
  });

  it("refuse a window longer than the purge keeps rows", async () => {
    await expect(hitRateLimit(directoryDb(env), `too-long:${unique()}`, 1, MAX_WINDOW_MS + 1)).rejects.toThrow(/MAX_WINDOW_MS/);
  });
});
