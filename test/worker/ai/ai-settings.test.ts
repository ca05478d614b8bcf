import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { FAKE_INVALID_KEY, fakeBaseUrl, fakeRequests, scriptFake } from "../../fakes/openai-fixtures";
import { connectFakeAi } from "./ai-helpers";

describe("AI settings and status", () => {
  it("says AI is off and what to set, and every AI action answers 409 not_configured", async () => {
    const owner = await registerAccount();
    const status = await api("/api/ai/status", { token: owner.token });
    expect(status.status).toBe(200);
    expect(status.body.data).toMatchObject({ chat: null, transcription: null, transcriptionEnabled: true, canManage: true });
    expect(status.body.data.setup).toContain("OPENAI_API_KEY");
    expect(status.body.data.setup).toContain("Settings → AI");
    const test = await api("/api/ai/settings/test", { method: "POST", token: owner.token });
    expectError(test, 409, "not_configured");
    expect(test.body.error.message).toContain("AI_PROVIDER");
  });

  it("uses the organization's own key and base URL, and never answers the key", async () => {
    const owner = await registerAccount();
    const key = await connectFakeAi(owner);
    const settings = await api("/api/ai/settings", { token: owner.token });
    expect(settings.body.data).toMatchObject({ baseUrl: fakeBaseUrl(), key: { set: true, last4: key.slice(-4) }, chatModel: "fake-chat-1" });
    expect(JSON.stringify(settings.body)).not.toContain(key);
    const status = await api("/api/ai/status", { token: owner.token });
    expect(status.body.data.chat).toEqual({ provider: "openai", model: "fake-chat-1", source: "organization" });
    expect(status.body.data.transcription).toEqual({ provider: "openai", model: "fake-whisper-1", source: "organization" });
    expect(status.body.data.setup).toBeNull();

    await scriptFake(key, [{ text: "ready" }]);
    const test = await api("/api/ai/settings/test", { method: "POST", token: owner.token });
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body.data).toEqual({ ok: true, provider: "openai", model: "fake-chat-1", reply: "ready" });
    const [sent] = await fakeRequests(key);
    expect(sent!.headers.authorization).toBe(`Bearer ${key}`);
    expect(sent!.body).toMatchObject({ model: "fake-chat-1", stream: true, stream_options: { include_usage: true } });

    // Sealed at rest: the row holds ciphertext, not the key.
    const row = await env.DB.prepare("SELECT * FROM ai_settings WHERE org_id = ?").bind(owner.orgId).first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(key);
    const audit = await env.DB.prepare("SELECT changes FROM audit_log WHERE org_id = ? AND entity = 'ai_settings'").bind(owner.orgId).all();
    expect(JSON.stringify(audit.results)).not.toContain(key);
  });

  it("refuses a base URL the outbound guard forbids, and a new URL without the key again", async () => {
    const owner = await registerAccount();
    for (const baseUrl of ["http://169.254.169.254/v1", "https://10.0.0.5/v1", "https://ollama.internal/v1", "ftp://example.com"]) {
      const res = await api("/api/ai/settings", { method: "PUT", token: owner.token, body: { apiKey: "sk-something-long", baseUrl } });
      expect([400, 422], `${baseUrl}: ${JSON.stringify(res.body)}`).toContain(res.status);
    }
    expect((await api("/api/ai/settings", { token: owner.token })).body.data.key.set).toBe(false);
    await connectFakeAi(owner);
    const moved = await api("/api/ai/settings", { method: "PUT", token: owner.token, body: { baseUrl: "https://attacker.example.com/v1" } });
    expectError(moved, 400, "validation_error");
    expect((await api("/api/ai/settings", { token: owner.token })).body.data.baseUrl).toBe(fakeBaseUrl());
  });

  it("lets only owners and admins see or change the settings and usage", async () => {
    const owner = await registerAccount();
    for (const role of ["manager", "agent", "viewer"]) {
      const member = await addMember(owner, role);
      expectError(await api("/api/ai/settings", { token: member.token }), 403, "forbidden");
      expectError(await api("/api/ai/settings", { method: "PUT", token: member.token, body: { apiKey: "sk-stolen-key-123" } }), 403, "forbidden");
      expectError(await api("/api/ai/usage", { token: member.token }), 403, "forbidden");
      const status = await api("/api/ai/status", { token: member.token });
      expect(status.body.data.canManage).toBe(false);
    }
    expect((await api("/api/ai/settings", { token: owner.token })).body.data.key.set).toBe(false);
  });

  it("reports the provider's refusal as 502 provider_error", async () => {
    const owner = await registerAccount();
    await api("/api/ai/settings", { method: "PUT", token: owner.token, body: { apiKey: FAKE_INVALID_KEY, baseUrl: fakeBaseUrl() } });
    const test = await api("/api/ai/settings/test", { method: "POST", token: owner.token });
    expectError(test, 502, "provider_error");
    expect(test.body.error.message).toContain("401");
  });

  it("meters usage per member and answers 429 once the monthly budget is spent", async () => {
    const owner = await registerAccount();
    const key = await connectFakeAi(owner, { monthlyTokenBudget: 10 });
    await scriptFake(key, [{ text: "ready" }, { text: "ready" }]);
    expect((await api("/api/ai/settings/test", { method: "POST", token: owner.token })).status).toBe(200);
    const usage = await api("/api/ai/usage", { token: owner.token });
    expect(usage.body.data.totals.requests).toBe(1);
    expect(usage.body.data.totals.tokens).toBeGreaterThan(0);
    expect(usage.body.data.byUser).toEqual([expect.objectContaining({ userId: owner.userId, requests: 1 })]);
    expect(usage.body.data.budgets.monthlyTokens).toBe(10);
    // The fake counts the prompt at ~4 characters a token; a 10-token month is gone after one request.
    const spent = await api("/api/ai/settings/test", { method: "POST", token: owner.token });
    expectError(spent, 429, "rate_limited");
    expect(Number(spent.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await fakeRequests(key)).length).toBe(1);
  });

  it("limits each member's request rate", async () => {
    const owner = await registerAccount();
    const key = await connectFakeAi(owner);
    await scriptFake(key, Array.from({ length: 25 }, () => ({ text: "ready" })));
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await api("/api/ai/settings/test", { method: "POST", token: owner.token })).status);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    expect((await fakeRequests(key)).length).toBe(20);
  });
});
