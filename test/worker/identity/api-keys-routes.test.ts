import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../../schema";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { testDb } from "../../record-helpers";

const keyCount = (orgId: string) => testDb().$count(schema.apiKeys, eq(schema.apiKeys.orgId, orgId));

describe("API key management", () => {
  it("shows the token once, stores only its hash, and never lists the token or hash", async () => {
    const owner = await registerAccount("akr");
    const created = await api("/api/api-keys", { token: owner.token, body: { name: "Zapier" } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { token, id } = created.body.data;
    expect(created.body.data).toMatchObject({ kind: "personal", scopes: null, role: null, revokedAt: null });
    const row = await testDb().select().from(schema.apiKeys).where(eq(schema.apiKeys.id, id)).get();
    expect(row!.tokenHash).not.toContain(token.slice(3));
    const list = await api("/api/api-keys", { token: owner.token });
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ id, name: "Zapier", creatorName: "akr person" });
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(list.body)).not.toContain(row!.tokenHash);
    expect(list.body.data[0].token).toBeUndefined();
  });

  it("refuses scopes beyond the creator's role, naming them, and unknown or past expiry, writing nothing", async () => {
    const owner = await registerAccount("akr");
    const agent = await addMember(owner, "agent");
    const beyond = await api("/api/api-keys", { token: agent.token, body: { name: "Too wide", scopes: ["records:read", "records:delete", "audit:read"] } });
    expectError(beyond, 400, "validation_error");
    expect(beyond.body.error.details.scopes[0]).toMatch(/records:delete, audit:read/);
    expectError(await api("/api/api-keys", { token: agent.token, body: { name: "Bogus", scopes: ["records:fly"] } }), 400, "validation_error");
    expectError(await api("/api/api-keys", { token: agent.token, body: { name: "Past", expiresAt: Date.now() - 1000 } }), 400, "validation_error");
    expectError(await api("/api/api-keys", { token: agent.token, body: { name: "Forever", expiresAt: Date.now() + 3 * 366 * 86400_000 } }), 400, "validation_error");
    expect(await keyCount(owner.orgId)).toBe(0);
  });

  it("lets only api_keys:manage create organization keys, at most at the creator's role", async () => {
    const owner = await registerAccount("akr");
    const viewer = await addMember(owner, "viewer");
    const admin = await addMember(owner, "admin");
    expectError(await api("/api/api-keys", { token: viewer.token, body: { name: "Org", kind: "organization" } }), 403, "forbidden");
    expectError(await api("/api/api-keys", { token: admin.token, body: { name: "Org", kind: "organization", role: "owner" } }), 400, "validation_error");
    expect(await keyCount(owner.orgId)).toBe(0);
    const ok = await api("/api/api-keys", { token: admin.token, body: { name: "Org", kind: "organization", role: "agent", scopes: ["records:read"] } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.data).toMatchObject({ kind: "organization", role: "agent", scopes: ["records:read"] });
    const viewerKey = await api("/api/api-keys", { token: viewer.token, body: { name: "Mine", scopes: ["records:read"] } });
    expect(viewerKey.status).toBe(201);
  });

  it("lists own keys for members and every key for admins; revoking someone else's key needs api_keys:manage", async () => {
    const owner = await registerAccount("akr");
    const agent = await addMember(owner, "agent");
    const agentKey = (await api("/api/api-keys", { token: agent.token, body: { name: "Agent's" } })).body.data;
    const ownerKey = (await api("/api/api-keys", { token: owner.token, body: { name: "Owner's" } })).body.data;
    expect((await api("/api/api-keys", { token: agent.token })).body.data.map((k: { id: string }) => k.id)).toEqual([agentKey.id]);
    expect((await api("/api/api-keys", { token: owner.token })).body.data.map((k: { id: string }) => k.id).sort()).toEqual([agentKey.id, ownerKey.id].sort());
    expectError(await api(`/api/api-keys/${ownerKey.id}`, { method: "DELETE", token: agent.token }), 404, "not_found");
    expect((await testDb().select().from(schema.apiKeys).where(eq(schema.apiKeys.id, ownerKey.id)).get())!.revokedAt).toBeNull();
    const revoked = await api(`/api/api-keys/${agentKey.id}`, { method: "DELETE", token: owner.token });
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.revokedAt).toBeTypeOf("number");
    const audit = await api(`/api/audit-log?entity=api_key&entityId=${agentKey.id}`, { token: owner.token });
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(["api_key.revoked", "api_key.created"]);
    expect((await api(`/api/api-keys/${agentKey.id}`, { method: "DELETE", token: agent.token })).status).toBe(200);
    expect((await api(`/api/audit-log?entity=api_key&entityId=${agentKey.id}`, { token: owner.token })).body.data).toHaveLength(2);
  });

  it("answers 404 when revoking another organization's key, and leaves it working", async () => {
    const owner = await registerAccount("akr");
    const other = await registerAccount("akr-other");
    const theirs = (await api("/api/api-keys", { token: other.token, body: { name: "Theirs" } })).body.data;
    expectError(await api(`/api/api-keys/${theirs.id}`, { method: "DELETE", token: owner.token }), 404, "not_found");
    expect((await api("/api/contacts", { token: theirs.token })).status).toBe(200);
  });

  it("refuses anonymous callers", async () => {
    expectError(await api("/api/api-keys"), 401, "unauthorized");
    expectError(await api("/api/api-keys", { body: { name: "x" } }), 401, "unauthorized");
  });
});
