import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectError, registerAccount, STRONG_PASSWORD, unique, uniqueIp, type ApiResult } from "../../helpers";

const BROWSER = { "x-refresh-transport": "cookie" };
const THIRTY_DAYS = 30 * 24 * 3600;

const count = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).first<{ n: number }>())!.n;

/** The refresh cookie a response sets, split into its value and attributes. */
function refreshCookie(res: ApiResult) {
  // One Set-Cookie per response here, and Max-Age (no comma-bearing Expires), so the joined header is that line.
  const line = res.headers.get("set-cookie");
  if (!line?.startsWith("neuracrm_refresh=")) return null;
  const [pair, ...attrs] = line.split(";").map((s) => s.trim());
  return { value: decodeURIComponent(pair!.slice("neuracrm_refresh=".length)), attrs: new Set(attrs.map((a) => a.toLowerCase())) };
}

function expectSessionCookie(res: ApiResult) {
  expect(res.body.data).not.toHaveProperty("refreshToken");
  const cookie = refreshCookie(res);
  expect(cookie?.value).toMatch(/^[^.]+\.[^.]+$/);
  expect(cookie!.attrs).toEqual(new Set(["path=/api/auth", "httponly", "secure", "samesite=strict", `max-age=${THIRTY_DAYS}`]));
  return cookie!.value;
}

const refreshWithCookie = (value: string) =>
  api("/api/auth/refresh", { method: "POST", headers: { ...BROWSER, cookie: `neuracrm_refresh=${encodeURIComponent(value)}` } });

describe("refresh token in an HttpOnly cookie", () => {
  it("is set instead of the JSON field by register, login, switch and invitation accept when the browser asks", async () => {
    const email = `${unique("cookie")}@example.com`;
    const registered = await api("/api/auth/register", {
      body: { name: "Cookie Person", email, password: STRONG_PASSWORD, organizationName: "Cookie Co" },
      headers: { ...BROWSER, "cf-connecting-ip": uniqueIp() },
    });
    expect(registered.status).toBe(201);
    expectSessionCookie(registered);

    const login = await api("/api/auth/login", { body: { email, password: STRONG_PASSWORD }, headers: { ...BROWSER, "cf-connecting-ip": uniqueIp() } });
    expect(login.status).toBe(200);
    expectSessionCookie(login);

    const owner = await registerAccount("cookie-host");
    const inv = await api("/api/organizations/current/invitations", { token: owner.token, body: { email, role: "agent" } });
    const token = inv.body.data.acceptUrl.split("/invite/")[1];
    const accepted = await api(`/api/invitations/${token}/accept`, { body: { password: STRONG_PASSWORD }, headers: BROWSER });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expectSessionCookie(accepted);

    const switched = await api("/api/auth/switch", { token: login.body.data.accessToken, body: { organizationId: owner.orgId }, headers: BROWSER });
    expect(switched.status, JSON.stringify(switched.body)).toBe(200);
    expectSessionCookie(switched);
  });

  it("stays out of API clients' way: without the header the token is in the JSON and no cookie is set", async () => {
    const a = await registerAccount("api-client");
    const login = await api("/api/auth/login", { body: { email: a.email, password: a.password }, headers: { "cf-connecting-ip": uniqueIp() } });
    expect(login.body.data.refreshToken).toMatch(/\./);
    expect(refreshCookie(login)).toBeNull();
    const refreshed = await api("/api/auth/refresh", { body: { refreshToken: login.body.data.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.data.refreshToken).toMatch(/\./);
    expect(refreshCookie(refreshed)).toBeNull();
  });

  it("refreshes from the cookie alone, rotating it, and treats a replayed cookie as theft", async () => {
    const a = await registerAccount("rotate-cookie");
    const first = await refreshWithCookie(a.refreshToken);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const next = expectSessionCookie(first);
    expect(next).not.toBe(a.refreshToken);
    expect((await api("/api/auth/me", { token: first.body.data.accessToken })).status).toBe(200);

    const second = await refreshWithCookie(next);
    expect(second.status).toBe(200);
    const newest = expectSessionCookie(second);

    // The spent cookie again: the whole family is revoked and the browser told to drop the cookie.
    const replay = await refreshWithCookie(next);
    expectError(replay, 401, "unauthorized");
    expect(refreshCookie(replay)?.attrs.has("max-age=0")).toBe(true);
    expectError(await refreshWithCookie(newest), 401, "unauthorized");
    expect(await count("SELECT count(*) AS n FROM sessions WHERE user_id = ? AND revoked_reason = 'refresh_token_reuse'", a.userId)).toBe(1);
  });

  it("answers a refresh with neither body nor cookie 401, issuing nothing", async () => {
    const before = await count("SELECT count(*) AS n FROM refresh_tokens");
    const res = await api("/api/auth/refresh", { method: "POST", headers: BROWSER });
    expectError(res, 401, "unauthorized");
    expect(await count("SELECT count(*) AS n FROM refresh_tokens")).toBe(before);
  });

  it("is cleared by logout, after which it no longer refreshes", async () => {
    const a = await registerAccount("logout-cookie");
    const out = await api("/api/auth/logout", { method: "POST", token: a.token });
    expect(out.status).toBe(200);
    const cleared = refreshCookie(out);
    expect(cleared?.value).toBe("");
    expect(cleared?.attrs).toEqual(new Set(["path=/api/auth", "httponly", "secure", "samesite=strict", "max-age=0"]));
    expectError(await refreshWithCookie(a.refreshToken), 401, "unauthorized");
  });
});
