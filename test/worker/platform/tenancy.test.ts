import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";

/**
 * Another organization's records answer 404 on every route that takes an id,
 * exactly as if they did not exist.
 */
describe("cross-organization access", () => {
  it("answers 404 for another organization's members, on read and write", async () => {
    const a = await registerAccount("ta");
    const b = await registerAccount("tb");
    const bAgent = await addMember(b, "agent");
    for (const id of [b.userId, bAgent.userId]) {
      expectError(await api(`/api/users/${id}`, { token: a.token }), 404, "not_found");
      expectError(await api(`/api/users/${id}`, { method: "PATCH", token: a.token, body: { role: "viewer" } }), 404, "not_found");
      expectError(await api(`/api/users/${id}`, { method: "DELETE", token: a.token }), 404, "not_found");
    }
    const still = await api(`/api/users/${bAgent.userId}`, { token: b.token });
    expect(still.body.data.role).toBe("agent");
  });

  it("answers 404 for another organization's invitations", async () => {
    const a = await registerAccount("tia");
    const b = await registerAccount("tib");
    const inv = await api("/api/organizations/current/invitations", {
      token: b.token,
      body: { email: "someone@example.com", role: "agent" },
    });
    const id = inv.body.data.invitation.id;
    expectError(await api(`/api/organizations/current/invitations/${id}`, { method: "DELETE", token: a.token }), 404, "not_found");
    expect((await api("/api/organizations/current/invitations", { token: b.token })).body.data).toHaveLength(1);
  });

  it("never lists another organization's members or audit entries", async () => {
    const a = await registerAccount("tla");
    const b = await registerAccount("tlb");
    await addMember(b, "manager");
    const members = await api("/api/users", { token: a.token });
    expect(members.body.data.map((m: { id: string }) => m.id)).toEqual([a.userId]);
    const audit = await api("/api/audit-log?per_page=100", { token: a.token });
    expect(audit.body.data.length).toBeGreaterThan(0);
    expect(audit.body.data.every((e: { actorId: string }) => e.actorId === a.userId)).toBe(true);
  });

  it("takes the organization from the token, never from the body", async () => {
    const a = await registerAccount("tbody");
    const b = await registerAccount("tbody2");
    const res = await api("/api/organizations/current", {
      method: "PATCH",
      token: a.token,
      body: { name: "Renamed", organizationId: b.orgId },
    });
    expectError(res, 400, "validation_error");
    const patched = await api("/api/organizations/current", { method: "PATCH", token: a.token, body: { name: "Renamed" } });
    expect(patched.body.data.id).toBe(a.orgId);
    expect((await api("/api/organizations/current", { token: b.token })).body.data.name).toBe("tbody2 org");
  });
});
