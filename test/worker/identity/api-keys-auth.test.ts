import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../../schema";
import { addMember, api, expectError, registerAccount, uniqueIp, type Account } from "../../helpers";
import { testDb } from "../../record-helpers";
import { API_KEY_FAILURES, API_KEY_RATE } from "../../../worker/platform/api-key-auth";

async function createKey(who: Account, body: Record<string, unknown> = {}) {
  const res = await api("/api/api-keys", { token: who.token, body: { name: "Script", ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; token: string; tokenPrefix: string; scopes: string[] | null };
}

const contactCount = (orgId: string) => testDb().$count(schema.contacts, eq(schema.contacts.orgId, orgId));

describe("API keys as bearer tokens", () => {
  it("reads with the key wherever an access token works, and /auth/me shows the key's scoped permissions", async () => {
    const owner = await registerAccount("ak");
    const key = await createKey(owner, { scopes: ["records:read"] });
    expect(key.token).toMatch(/^nc_[A-Za-z0-9_-]{43}$/);
    expect(key.tokenPrefix).toBe(key.token.slice(0, 10));
    const list = await api("/api/contacts", { token: key.token });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const me = await api("/api/auth/me", { token: key.token });
    expect(me.body.data.permissions).toEqual(["records:read"]);
    expect(me.body.data.role).toBe("owner");
  });

  it("refuses a write outside the key's scopes with 403, and writes nothing", async () => {
    const owner = await registerAccount("ak");
    const key = await createKey(owner, { scopes: ["records:read"] });
    const before = await contactCount(owner.orgId);
    const res = await api("/api/contacts", { token: key.token, body: { firstName: "No", lastName: "Write" } });
    expectError(res, 403, "forbidden");
    expect(res.body.error.message).toMatch(/API key is not allowed records:write/);
    expect(await contactCount(owner.orgId)).toBe(before);
  });

  it("refuses keys on session-only routes: minting keys, switching, sessions, listing organizations, leaving", async () => {
    const owner = await registerAccount("ak");
    const key = await createKey(owner);
    const keysBefore = await testDb().$count(schema.apiKeys, eq(schema.apiKeys.orgId, owner.orgId));
    expectError(await api("/api/api-keys", { token: key.token, body: { name: "Child" } }), 403, "forbidden");
    expectError(await api("/api/api-keys", { token: key.token }), 403, "forbidden");
    expectError(await api("/api/auth/switch", { token: key.token, body: { organizationId: owner.orgId } }), 403, "forbidden");
    expectError(await api("/api/auth/logout", { method: "POST", token: key.token }), 403, "forbidden");
    expectError(await api("/api/organizations", { token: key.token }), 403, "forbidden");
    expectError(await api("/api/organizations", { token: key.token, body: { name: "Spawned" } }), 403, "forbidden");
    expectError(await api(`/api/users/${owner.userId}`, { method: "DELETE", token: key.token }), 403, "forbidden");
    expect(await testDb().$count(schema.apiKeys, eq(schema.apiKeys.orgId, owner.orgId))).toBe(keysBefore);
    expect((await api("/api/users", { token: owner.token })).body.meta.total).toBe(1);
  });

  it("stops working once expired, and on the very next request after revocation", async () => {
    const owner = await registerAccount("ak");
    const expiring = await createKey(owner, { expiresAt: Date.now() + 3600_000 });
    expect((await api("/api/contacts", { token: expiring.token })).status).toBe(200);
    await testDb().update(schema.apiKeys).set({ expiresAt: Date.now() - 1 }).where(eq(schema.apiKeys.id, expiring.id));
    const expired = await api("/api/contacts", { token: expiring.token });
    expectError(expired, 401, "unauthorized");
    expect(expired.body.error.message).toMatch(/expired/);

    const key = await createKey(owner);
    expect((await api("/api/contacts", { token: key.token })).status).toBe(200);
    expect((await api(`/api/api-keys/${key.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api("/api/contacts", { token: key.token }), 401, "unauthorized");
  });

  it("kills a removed member's personal key, while an organization key survives its creator", async () => {
    const owner = await registerAccount("ak");
    const admin = await addMember(owner, "admin");
    const personal = await createKey(admin);
    const orgKey = await createKey(admin, { kind: "organization", role: "manager" });
    expect((await api(`/api/users/${admin.userId}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api("/api/contacts", { token: personal.token }), 401, "unauthorized");
    const survived = await api("/api/contacts", { token: orgKey.token, body: { firstName: "Org", lastName: "Key" } });
    expect(survived.status, JSON.stringify(survived.body)).toBe(201);
    expect((await api("/api/auth/me", { token: orgKey.token })).body.data.role).toBe("manager");
  });

  it("narrows a personal key when its member's role is lowered", async () => {
    const owner = await registerAccount("ak");
    const manager = await addMember(owner, "manager");
    const key = await createKey(manager);
    expect((await api("/api/contacts", { token: key.token, body: { firstName: "Before", lastName: "Downgrade" } })).status).toBe(201);
    expect((await api(`/api/users/${manager.userId}`, { method: "PATCH", token: owner.token, body: { role: "viewer" } })).status).toBe(200);
    const before = await contactCount(owner.orgId);
    expectError(await api("/api/contacts", { token: key.token, body: { firstName: "After", lastName: "Downgrade" } }), 403, "forbidden");
    expect(await contactCount(owner.orgId)).toBe(before);
    expect((await api("/api/auth/me", { token: key.token })).body.data.role).toBe("viewer");
  });

  it("rate-limits each key with 429 and Retry-After", async () => {
    const owner = await registerAccount("ak");
    const key = await createKey(owner);
    await testDb()
      .insert(schema.rateLimits)
      .values({ key: `api-key:${key.id}`, windowStart: Date.now(), count: API_KEY_RATE.limit });
    const res = await api("/api/contacts", { token: key.token });
    expectError(res, 429, "rate_limited");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await api("/api/contacts", { token: owner.token })).status).toBe(200);
  });

  it("counts unknown keys per address and refuses the address once its budget is spent", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < API_KEY_FAILURES.limit; i++) {
      expectError(await api("/api/contacts", { token: `nc_unknown${i}`, headers: { "cf-connecting-ip": ip } }), 401, "unauthorized");
    }
    expectError(await api("/api/contacts", { token: "nc_unknown-last", headers: { "cf-connecting-ip": ip } }), 429, "rate_limited");
    expectError(await api("/api/contacts", { token: "nc_unknown-other", headers: { "cf-connecting-ip": uniqueIp() } }), 401, "unauthorized");
  });

  it("writes audit rows whose request id names the key", async () => {
    const owner = await registerAccount("ak");
    const key = await createKey(owner);
    const contact = (await api("/api/contacts", { token: key.token, body: { firstName: "Audited", lastName: "Key" } })).body.data;
    const audit = await api(`/api/audit-log?entity=contact&entityId=${contact.id}`, { token: owner.token });
    expect(audit.body.data[0].requestId).toMatch(new RegExp(`^api_key:${key.id}:`));
    expect(audit.body.data[0].actorId).toBe(owner.userId);
  });

  it("updates lastUsedAt when the key is used", async () => {
    const owner = await registerAccount("ak");
    const key = await createKey(owner);
    await api("/api/contacts", { token: key.token });
    const row = await testDb().select().from(schema.apiKeys).where(eq(schema.apiKeys.id, key.id)).get();
    expect(row?.lastUsedAt).toBeTypeOf("number");
  });

  it("cannot open a live room connection", async () => {
    const owner = await registerAccount("ak");
    const key = await createKey(owner);
    const res = await api(`/parties/org-room/${owner.orgId}?token=${key.token}`, { headers: { upgrade: "websocket" } });
    expectError(res, 401, "unauthorized");
  });
});
