import { describe, expect, it } from "vitest";
import { api, expectError, registerAccount, unique } from "../helpers";

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
