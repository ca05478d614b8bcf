import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { decryptJson, encryptJson } from "../../../worker/platform/crypto";
import { eq } from "drizzle-orm";
import { telephonyProviders } from "../../../schema";
import { providerSecrets, webhookSecretMatches } from "../../../worker/telephony/providers/providers";
import { FAKE_ARI } from "../../fakes/ari-fixtures";
import { FAKE_TWILIO } from "../../fakes/twilio-fixtures";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { testDb } from "../../record-helpers";
import { createProvider, twilioConfig } from "../../telephony-helpers";
import { probeBase, probeHits, probeTag } from "../platform/outbound-probe-helpers";

async function storedRow(id: string) {
  return env.DB.prepare("SELECT * FROM telephony_providers WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

const ariConfig = (password: string = FAKE_ARI.password, baseUrl = inject("ariFakeUrl")) => ({
  baseUrl,
  username: FAKE_ARI.username,
  password,
  application: "neuracrm",
});
const ariSecrets = () => ({ username: FAKE_ARI.username, password: FAKE_ARI.password });

describe("telephony providers", () => {
  it("stores credentials encrypted and answers only a redacted view", async () => {
    const owner = await registerAccount("tpenc");
    const config = twilioConfig();
    const created = await createProvider(owner, { type: "twilio", name: " Main line ", config });
    expect(created).toMatchObject({
      type: "twilio",
      name: "Main line",
      enabled: true,
      config: { phoneNumbers: ["+14155550100"], twimlAppSid: config.twimlAppSid, apiBaseUrl: config.apiBaseUrl },
      credentials: {
        accountSid: { set: true, last4: config.accountSid.slice(-4) },
        apiKeySid: { set: true, last4: config.apiKeySid.slice(-4) },
        authToken: { set: true },
        apiKeySecret: { set: true },
      },
      lastTest: null,
    });
    expect(typeof created.webhookSecret).toBe("string");

    const row = await storedRow(created.id);
    const raw = JSON.stringify(row);
    for (const secret of [config.authToken, config.apiKeySecret, config.accountSid, config.apiKeySid, created.webhookSecret]) {
      expect(raw).not.toContain(secret);
    }
    expect(String(row!.config_ciphertext).length).toBeGreaterThan(40);

    for (const res of [
      await api(`/api/telephony/providers/${created.id}`, { token: owner.token }),
      await api("/api/telephony/providers", { token: owner.token }),
    ]) {
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      for (const secret of [config.authToken, config.apiKeySecret, config.accountSid, created.webhookSecret]) expect(text).not.toContain(secret);
    }
  });

  it("updates a provider, keeping secrets that were left out, and deletes it", async () => {
    const owner = await registerAccount("tpupd");
    const created = await createProvider(owner);
    const before = await storedRow(created.id);
    const patched = await api(`/api/telephony/providers/${created.id}`, {
      method: "PATCH",
      token: owner.token,
      body: { name: "Renamed", config: { phoneNumbers: ["(415) 555-0199"] } },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.data).toMatchObject({ name: "Renamed", config: { phoneNumbers: ["+14155550199"] }, credentials: { authToken: { set: true } } });
    const after = await storedRow(created.id);
    expect(after!.config_iv).not.toBe(before!.config_iv);
    // The kept credentials still work: the test connection authenticates with them.
    const test = await api(`/api/telephony/providers/${created.id}/test`, { method: "POST", token: owner.token });
    expect(test.body.data.ok, JSON.stringify(test.body)).toBe(true);

    expect((await api(`/api/telephony/providers/${created.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api(`/api/telephony/providers/${created.id}`, { token: owner.token }), 404, "not_found");
  });

  it("sets and clears a Twilio provider's hold music URL, refusing anything but an http(s) URL", async () => {
    const owner = await registerAccount("tphold");
    const created = await createProvider(owner);
    const patch = (config: Record<string, unknown>) => api(`/api/telephony/providers/${created.id}`, { method: "PATCH", token: owner.token, body: { config } });
    const { accountSid, authToken, apiKeySid, apiKeySecret } = twilioConfig();
    // Like every URL of a provider, a new hold music URL comes with the secrets.
    expectError(await patch({ holdMusicUrl: "https://music.example.com/hold.mp3" }), 400, "validation_error");
    const set = await patch({ holdMusicUrl: "https://music.example.com/hold.mp3", accountSid, authToken, apiKeySid, apiKeySecret });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.data.config.holdMusicUrl).toBe("https://music.example.com/hold.mp3");
    const bad = await patch({ holdMusicUrl: "ftp://music.example.com/hold.mp3" });
    expectError(bad, 400, "validation_error");
    expect(Object.keys(bad.body.error.details)).toEqual(["config.holdMusicUrl"]);
    // null removes an optional setting (Twilio's classical music plays again); a required one stays required.
    const cleared = await patch({ holdMusicUrl: null });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body.data.config).not.toHaveProperty("holdMusicUrl");
    expect(cleared.body.data.credentials.authToken).toEqual({ set: true });
    expectError(await patch({ authToken: null }), 400, "validation_error");
  });

  it("tests a Twilio connection against the Twilio REST API and reports Twilio's own errors", async () => {
    const owner = await registerAccount("tptest");
    const good = await createProvider(owner);
    const ok = await api(`/api/telephony/providers/${good.id}/test`, { method: "POST", token: owner.token });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ ok: true, httpStatus: 200 });
    expect(ok.body.data.message).toContain(FAKE_TWILIO.active.friendlyName);
    const saved = await api(`/api/telephony/providers/${good.id}`, { token: owner.token });
    expect(saved.body.data.lastTest).toMatchObject({ status: "ok" });

    const wrong = await createProvider(owner, {
      type: "twilio",
      name: "Wrong token",
      config: twilioConfig({ accountSid: FAKE_TWILIO.active.accountSid, authToken: "not-the-token" }),
    });
    const bad = await api(`/api/telephony/providers/${wrong.id}/test`, { method: "POST", token: owner.token });
    expect(bad.status).toBe(200);
    expect(bad.body.data).toMatchObject({ ok: false, httpStatus: 401, providerCode: 20003, message: "Twilio error 20003: Authenticate" });
    expect((await api(`/api/telephony/providers/${wrong.id}`, { token: owner.token })).body.data.lastTest).toMatchObject({
      status: "error",
      message: "Twilio error 20003: Authenticate",
    });

    const suspended = await createProvider(owner, { type: "twilio", name: "Suspended", config: twilioConfig(FAKE_TWILIO.suspended) });
    const susp = await api(`/api/telephony/providers/${suspended.id}/test`, { method: "POST", token: owner.token });
    expect(susp.body.data).toMatchObject({ ok: false });
    expect(susp.body.data.message).toContain("suspended");
  });

  it("reports an unreachable Twilio endpoint as a failed test, not a server error", async () => {
    const owner = await registerAccount("tpdown");
    const p = await createProvider(owner, { type: "twilio", name: "Down", config: twilioConfig(undefined, { apiBaseUrl: "http://127.0.0.1:9" }) });
    const res = await api(`/api/telephony/providers/${p.id}/test`, { method: "POST", token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.data.ok).toBe(false);
    expect(res.body.data.message).toMatch(/^Could not reach Twilio/);
  });

  it("tests an Asterisk / FreePBX connection through ARI", async () => {
    const owner = await registerAccount("tpari");
    for (const type of ["asterisk", "freepbx"]) {
      const p = await createProvider(owner, { type, name: `PBX ${type}`, config: ariConfig() });
      expect(p).toMatchObject({
        config: { baseUrl: inject("ariFakeUrl"), application: "neuracrm", context: "from-internal", endpointTechnology: "PJSIP" },
        credentials: { username: { set: true, last4: FAKE_ARI.username.slice(-4) }, password: { set: true } },
      });
      expect(JSON.stringify(p)).not.toContain(FAKE_ARI.password);
      const ok = await api(`/api/telephony/providers/${p.id}/test`, { method: "POST", token: owner.token });
      expect(ok.body.data).toMatchObject({ ok: true, message: `Connected to Asterisk ${FAKE_ARI.version} (ARI)` });
    }
    const wrong = await createProvider(owner, { type: "asterisk", name: "Wrong", config: ariConfig("nope") });
    const bad = await api(`/api/telephony/providers/${wrong.id}/test`, { method: "POST", token: owner.token });
    expect(bad.body.data).toMatchObject({ ok: false, httpStatus: 401, message: "Asterisk ARI error (401): Authentication required" });
  });

  it("creates a 3CX provider whose key is generated by NeuraCRM", async () => {
    const owner = await registerAccount("tp3cx");
    const p = await createProvider(owner, { type: "3cx", name: "3CX", config: { pbxUrl: "https://acme.3cx.us/" } });
    expect(p.config).toEqual({ pbxUrl: "https://acme.3cx.us" });
    expect(p.webhookSecret.length).toBeGreaterThanOrEqual(40);
    expectError(await api(`/api/telephony/providers/${p.id}/test`, { method: "POST", token: owner.token }), 400, "validation_error");

    const provider = (await testDb().select().from(telephonyProviders).where(eq(telephonyProviders.id, p.id)).get())!;
    expect(await webhookSecretMatches(provider, p.webhookSecret)).toBe(true);
    expect(await webhookSecretMatches(provider, "guess")).toBe(false);
    expect(await webhookSecretMatches(provider, null)).toBe(false);
    const rotated = await api(`/api/telephony/providers/${p.id}/webhook-secret`, { method: "POST", token: owner.token });
    expect(rotated.status).toBe(200);
    const after = (await testDb().select().from(telephonyProviders).where(eq(telephonyProviders.id, p.id)).get())!;
    expect(await webhookSecretMatches(after, p.webhookSecret)).toBe(false);
    expect(await webhookSecretMatches(after, rotated.body.data.webhookSecret)).toBe(true);
    expect((await providerSecrets(env, after)).webhookSecret).toBe(rotated.body.data.webhookSecret);
    expect(JSON.stringify(await storedRow(p.id))).not.toContain(rotated.body.data.webhookSecret);
  });

  it("rejects bad input with field errors and writes nothing", async () => {
    const owner = await registerAccount("tpbad");
    const missing = await api("/api/telephony/providers", {
      token: owner.token,
      body: { type: "twilio", name: "X", config: { accountSid: "AC123", authToken: "t" } },
    });
    expectError(missing, 400, "validation_error");
    expect(Object.keys(missing.body.error.details)).toEqual(expect.arrayContaining(["config.accountSid", "config.apiKeySid", "config.twimlAppSid"]));
    expectError(await api("/api/telephony/providers", { token: owner.token, body: { type: "vonage", name: "X", config: {} } }), 400, "validation_error");
    expectError(
      await api("/api/telephony/providers", { token: owner.token, body: { type: "twilio", name: "X", config: twilioConfig(undefined, { phoneNumbers: ["not a number"] }) } }),
      400,
      "validation_error",
    );
    expectError(
      await api("/api/telephony/providers", { token: owner.token, body: { type: "asterisk", name: "X", config: { ...ariConfig(), baseUrl: "ftp://pbx" } } }),
      400,
      "validation_error",
    );
    const good = await createProvider(owner);
    const badPatch = await api(`/api/telephony/providers/${good.id}`, { method: "PATCH", token: owner.token, body: { config: { accountSid: "nope" } } });
    expectError(badPatch, 400, "validation_error");
    expect(badPatch.body.error.details).toHaveProperty(["config.accountSid"]);
    expect((await api("/api/telephony/providers", { token: owner.token })).body.data).toHaveLength(1);
  });

  it("lets managers see providers but only owners and admins add, change, test or remove them", async () => {
    const owner = await registerAccount("tpperm");
    const tag = probeTag("tpperm");
    const p = await createProvider(owner, { type: "asterisk", name: "PBX", config: ariConfig(FAKE_ARI.password, probeBase(tag)) });
    const manager = await addMember(owner, "manager");
    const admin = await addMember(owner, "admin");
    const agent = await addMember(owner, "agent");
    const viewer = await addMember(owner, "viewer");
    expect((await api("/api/telephony/providers", { token: manager.token })).status).toBe(200);
    expect((await api(`/api/telephony/providers/${p.id}`, { token: manager.token })).status).toBe(200);

    const before = await storedRow(p.id);
    const providers = () => env.DB.prepare("SELECT count(*) AS n FROM telephony_providers WHERE org_id = ?").bind(owner.orgId).first<{ n: number }>();
    const count = (await providers())!.n;
    expectError(await api("/api/telephony/providers", { token: manager.token, body: { type: "3cx", name: "x", config: {} } }), 403, "forbidden");
    expectError(await api(`/api/telephony/providers/${p.id}`, { method: "PATCH", token: manager.token, body: { name: "Mine", config: { baseUrl: "https://pbx.example.com:8089", ...ariSecrets() } } }), 403, "forbidden");
    expectError(await api(`/api/telephony/providers/${p.id}/test`, { method: "POST", token: manager.token }), 403, "forbidden");
    expectError(await api(`/api/telephony/providers/${p.id}/webhook-secret`, { method: "POST", token: manager.token }), 403, "forbidden");
    expectError(await api(`/api/telephony/providers/${p.id}`, { method: "DELETE", token: manager.token }), 403, "forbidden");
    expect(await storedRow(p.id)).toEqual(before);
    expect((await providers())!.n).toBe(count);
    expect(await probeHits(tag)).toEqual([]);

    expect((await api(`/api/telephony/providers/${p.id}/test`, { method: "POST", token: admin.token })).status).toBe(200);
    expect(await probeHits(tag)).toHaveLength(1);
    expect((await api(`/api/telephony/providers/${p.id}`, { method: "PATCH", token: admin.token, body: { name: "Renamed by admin" } })).status).toBe(200);
    expect((await api("/api/telephony/providers", { token: admin.token, body: { type: "3cx", name: "3CX", config: {} } })).status).toBe(201);
    for (const who of [agent, viewer]) {
      expectError(await api("/api/telephony/providers", { token: who.token }), 403, "forbidden");
      expectError(await api(`/api/telephony/providers/${p.id}`, { token: who.token }), 403, "forbidden");
      expectError(await api("/api/telephony/providers", { token: who.token, body: { type: "3cx", name: "x", config: {} } }), 403, "forbidden");
      expectError(await api(`/api/telephony/providers/${p.id}/test`, { method: "POST", token: who.token }), 403, "forbidden");
      expectError(await api(`/api/telephony/providers/${p.id}/webhook-secret`, { method: "POST", token: who.token }), 403, "forbidden");
    }
    expectError(await api("/api/telephony/providers"), 401, "unauthorized");
  });

  it("answers 404 for another organization's provider", async () => {
    const a = await registerAccount("tpxa");
    const b = await registerAccount("tpxb");
    const p = await createProvider(a);
    expectError(await api(`/api/telephony/providers/${p.id}`, { token: b.token }), 404, "not_found");
    expectError(await api(`/api/telephony/providers/${p.id}`, { method: "PATCH", token: b.token, body: { name: "mine" } }), 404, "not_found");
    expectError(await api(`/api/telephony/providers/${p.id}/test`, { method: "POST", token: b.token }), 404, "not_found");
    expectError(await api(`/api/telephony/providers/${p.id}/webhook-secret`, { method: "POST", token: b.token }), 404, "not_found");
    expectError(await api(`/api/telephony/providers/${p.id}`, { method: "DELETE", token: b.token }), 404, "not_found");
    expect((await api("/api/telephony/providers", { token: b.token })).body.data).toEqual([]);
    expect((await api(`/api/telephony/providers/${p.id}`, { token: a.token })).body.data.name).toBe("Twilio");
  });
});

describe("where a provider's credentials may go", () => {
  const patch = (owner: { token: string }, id: string, config: Record<string, unknown>) =>
    api(`/api/telephony/providers/${id}`, { method: "PATCH", token: owner.token, body: { config } });
  const test = (owner: { token: string }, id: string) => api(`/api/telephony/providers/${id}/test`, { method: "POST", token: owner.token });
  const secretsOf = async (id: string) => providerSecrets(env, (await testDb().select().from(telephonyProviders).where(eq(telephonyProviders.id, id)).get())!);

  it("refuses a new ARI base URL without the password, changing nothing and sending nothing there", async () => {
    const owner = await registerAccount("tpurl");
    const p = await createProvider(owner, { type: "asterisk", name: "PBX", config: ariConfig() });
    const before = await storedRow(p.id);
    const tag = probeTag("ariurl");
    const moved = await patch(owner, p.id, { baseUrl: probeBase(tag) });
    expectError(moved, 400, "validation_error");
    expect(Object.keys(moved.body.error.details).sort()).toEqual(["config.password", "config.username"]);
    expectError(await patch(owner, p.id, { baseUrl: probeBase(tag), username: FAKE_ARI.username }), 400, "validation_error");
    expect(await storedRow(p.id)).toEqual(before);
    expect(await secretsOf(p.id)).toMatchObject({ baseUrl: inject("ariFakeUrl"), username: FAKE_ARI.username, password: FAKE_ARI.password });

    // The test still goes to the saved PBX, never to the URL that was refused.
    expect((await test(owner, p.id)).body.data).toMatchObject({ ok: true });
    expect(await probeHits(tag)).toEqual([]);

    // Sent again with the secrets, the new URL is saved and used.
    expect((await patch(owner, p.id, { baseUrl: probeBase(tag), ...ariSecrets() })).status).toBe(200);
    await test(owner, p.id);
    expect(await probeHits(tag)).toHaveLength(1);
    // The same URL sent back unchanged (as the settings form does) needs no secrets.
    expect((await patch(owner, p.id, { baseUrl: probeBase(tag), context: "from-sales" })).status).toBe(200);
  });

  it("refuses a new Twilio API base without the auth token, changing nothing and sending nothing there", async () => {
    const owner = await registerAccount("tptwurl");
    const config = twilioConfig();
    const p = await createProvider(owner, { type: "twilio", name: "Twilio", config });
    const before = await storedRow(p.id);
    const tag = probeTag("twurl");
    const moved = await patch(owner, p.id, { apiBaseUrl: probeBase(tag), accountSid: config.accountSid });
    expectError(moved, 400, "validation_error");
    expect(Object.keys(moved.body.error.details).sort()).toEqual(["config.apiKeySecret", "config.apiKeySid", "config.authToken"]);
    expect(await storedRow(p.id)).toEqual(before);
    expect(await secretsOf(p.id)).toMatchObject({ apiBaseUrl: config.apiBaseUrl, authToken: config.authToken, apiKeySecret: config.apiKeySecret });
    expect((await test(owner, p.id)).body.data).toMatchObject({ ok: true });
    expect(await probeHits(tag)).toEqual([]);
    // Removing the override falls back to Twilio itself, so it needs no secrets.
    expect((await patch(owner, p.id, { apiBaseUrl: null })).body.data.config).not.toHaveProperty("apiBaseUrl");
  });

  it("keeps Twilio's API base on twilio.com", async () => {
    const owner = await registerAccount("tptwhost");
    for (const apiBaseUrl of ["https://evil.example.com", "https://twilio.com.evil.example", "https://eviltwilio.com", "http://api.twilio.com", "https://10.1.2.3", "https://169.254.169.254"]) {
      const res = await api("/api/telephony/providers", { token: owner.token, body: { type: "twilio", name: "T", config: twilioConfig(undefined, { apiBaseUrl }) } });
      expectError(res, 400, "validation_error");
      expect(Object.keys(res.body.error.details), apiBaseUrl).toEqual(["config.apiBaseUrl"]);
    }
    expect((await api("/api/telephony/providers", { token: owner.token })).body.data).toEqual([]);
    for (const apiBaseUrl of ["https://api.twilio.com", "https://api.dublin.ie1.twilio.com"]) {
      expect((await api("/api/telephony/providers", { token: owner.token, body: { type: "twilio", name: "T", config: twilioConfig(undefined, { apiBaseUrl }) } })).status).toBe(201);
    }
    const p = await createProvider(owner);
    const res = await patch(owner, p.id, { ...twilioConfig(), apiBaseUrl: "https://api.evil.example" });
    expectError(res, 400, "validation_error");
    expect(Object.keys(res.body.error.details)).toEqual(["config.apiBaseUrl"]);
  });

  it("refuses ARI base URLs that are not https on a public host", async () => {
    const owner = await registerAccount("tparihost");
    for (const baseUrl of ["http://pbx.example.com:8088", "https://192.168.1.20:8089", "https://169.254.169.254", "https://pbx.internal:8089", "https://[fd00::5]:8089", "https://admin:pw@pbx.example.com"]) {
      const res = await api("/api/telephony/providers", { token: owner.token, body: { type: "freepbx", name: "P", config: ariConfig(FAKE_ARI.password, baseUrl) } });
      expectError(res, 400, "validation_error");
      expect(Object.keys(res.body.error.details), baseUrl).toEqual(["config.baseUrl"]);
    }
    expect((await api("/api/telephony/providers", { token: owner.token })).body.data).toEqual([]);
  });

  it("refuses at use time a URL saved before these rules", async () => {
    const owner = await registerAccount("tplegacy");
    const twilio = await createProvider(owner);
    const pbx = await createProvider(owner, { type: "asterisk", name: "PBX", config: ariConfig() });
    const setPublic = (id: string, config: Record<string, unknown>) =>
      env.DB.prepare("UPDATE telephony_providers SET public_config = json_patch(public_config, ?) WHERE id = ?").bind(JSON.stringify(config), id).run();
    await setPublic(twilio.id, { apiBaseUrl: "https://evil.example.com" });
    await setPublic(pbx.id, { baseUrl: "https://169.254.169.254" });
    expectError(await test(owner, twilio.id), 422, "outbound_blocked");
    expectError(await test(owner, pbx.id), 422, "outbound_blocked");
  });

  it("summarizes a failed test from the status and never repeats a page the server sent", async () => {
    const owner = await registerAccount("tpsummary");
    const twTag = probeTag("twpage");
    const twilio = await createProvider(owner, { type: "twilio", name: "T", config: twilioConfig(undefined, { apiBaseUrl: `${probeBase(twTag)}/status/401` }) });
    const tw = await test(owner, twilio.id);
    expect(tw.body.data).toMatchObject({ ok: false, httpStatus: 401, message: "Twilio answered HTTP 401" });
    expect(JSON.stringify(tw.body)).not.toContain("probe page");
    expect(await probeHits(twTag)).toHaveLength(1);

    const ariTag = probeTag("aripage");
    const pbx = await createProvider(owner, { type: "asterisk", name: "PBX", config: ariConfig(FAKE_ARI.password, `${probeBase(ariTag)}/status/503`) });
    const ari = await test(owner, pbx.id);
    expect(ari.body.data).toMatchObject({ ok: false, httpStatus: 503, message: "Asterisk ARI error (503): HTTP 503" });
    expect(JSON.stringify(ari.body)).not.toContain("probe page");
    const saved = await api(`/api/telephony/providers/${pbx.id}`, { token: owner.token });
    expect(JSON.stringify(saved.body)).not.toContain("probe page");
  });
});

describe("telephony in the OpenAPI document", () => {
  it("documents every telephony route", async () => {
    const doc = await api("/api/openapi.json");
    expect(doc.status, JSON.stringify(doc.body).slice(0, 500)).toBe(200);
    const paths = Object.keys((doc.body as unknown as { paths: Record<string, unknown> }).paths);
    for (const path of [
      "/api/telephony/providers",
      "/api/telephony/providers/{id}/test",
      "/api/telephony/extensions",
      "/api/telephony/queues/{id}/members/{userId}",
      "/api/telephony/calls",
      "/api/telephony/calls/{id}",
      "/api/telephony/live",
      "/api/telephony/analytics",
    ]) {
      expect(paths).toContain(path);
    }
  });
});

describe("credential encryption", () => {
  it("binds each ciphertext to its provider and detects tampering", async () => {
    const sealed = await encryptJson(env.ENCRYPTION_KEY, { authToken: "s3cret" }, "telephony_provider:one");
    expect(sealed.ciphertext).not.toContain("s3cret");
    expect(await decryptJson(env.ENCRYPTION_KEY, sealed, "telephony_provider:one")).toEqual({ authToken: "s3cret" });
    await expect(decryptJson(env.ENCRYPTION_KEY, sealed, "telephony_provider:two")).rejects.toThrow();
    const flipped = { ...sealed, ciphertext: sealed.ciphertext.startsWith("A") ? `B${sealed.ciphertext.slice(1)}` : `A${sealed.ciphertext.slice(1)}` };
    await expect(decryptJson(env.ENCRYPTION_KEY, flipped, "telephony_provider:one")).rejects.toThrow();
    const again = await encryptJson(env.ENCRYPTION_KEY, { authToken: "s3cret" }, "telephony_provider:one");
    expect(again.iv).not.toBe(sealed.iv);
    await expect(encryptJson(undefined, {}, "x")).rejects.toMatchObject({ code: "not_configured" });
  });
});
