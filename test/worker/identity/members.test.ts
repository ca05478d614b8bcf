import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount, STRONG_PASSWORD, unique } from "../../helpers";

describe("invitations", () => {
  it("lets an invitee create an account from the link and join with the invited role", async () => {
    const owner = await registerAccount("inv");
    const email = `${unique("new")}@example.com`;
    const inv = await api("/api/organizations/current/invitations", { token: owner.token, body: { email, role: "manager" } });
    expect(inv.status).toBe(201);
    expect(inv.body.data.acceptUrl).toMatch(/^http:\/\/neuracrm\.test\/invite\/[\w-]{20,}$/);
    const token = inv.body.data.acceptUrl.split("/invite/")[1];

    const shown = await api(`/api/invitations/${token}`);
    expect(shown.body.data).toMatchObject({ email, role: "manager", organization: { id: owner.orgId } });
    expect(shown.body.data).not.toHaveProperty("accountExists");

    const acc = await api(`/api/invitations/${token}/accept`, { body: { name: "New Person", password: STRONG_PASSWORD } });
    expect(acc.status).toBe(200);
    expect(acc.body.data).toMatchObject({ role: "manager", organization: { id: owner.orgId }, user: { email } });

    const members = await api("/api/users", { token: owner.token });
    expect(members.body.data.map((m: { email: string }) => m.email)).toContain(email);
    expectError(await api(`/api/invitations/${token}/accept`, { body: { name: "Again", password: STRONG_PASSWORD } }), 404, "not_found");
  });

  it("lets an existing account join with its password, not with a wrong one", async () => {
    const owner = await registerAccount("inv2");
    const other = await registerAccount("existing");
    const inv = await api("/api/organizations/current/invitations", { token: owner.token, body: { email: other.email, role: "agent" } });
    const token = inv.body.data.acceptUrl.split("/invite/")[1];
    expect((await api(`/api/invitations/${token}`)).body.data).not.toHaveProperty("accountExists");
    expect((await api(`/api/invitations/${token}`, { token: other.token })).body.data.accountExists).toBe(true);
    expectError(await api(`/api/invitations/${token}/accept`, { body: { password: "not-their-password" } }), 401, "unauthorized");
    const ok = await api(`/api/invitations/${token}/accept`, { body: { password: other.password } });
    expect(ok.status).toBe(200);
    expect(ok.body.data.organization.id).toBe(owner.orgId);
    const orgs = await api("/api/organizations", { token: other.token });
    expect(orgs.body.data).toHaveLength(2);
  });

  it("refuses to invite someone who is already a member", async () => {
    const owner = await registerAccount("inv3");
    const agent = await addMember(owner, "agent");
    expectError(
      await api("/api/organizations/current/invitations", { token: owner.token, body: { email: agent.email, role: "agent" } }),
      409,
      "conflict",
    );
  });

  it("makes a revoked invitation link useless", async () => {
    const owner = await registerAccount("inv4");
    const inv = await api("/api/organizations/current/invitations", {
      token: owner.token,
      body: { email: `${unique("rev")}@example.com`, role: "agent" },
    });
    const token = inv.body.data.acceptUrl.split("/invite/")[1];
    const pending = await api("/api/organizations/current/invitations", { token: owner.token });
    expect(pending.body.data).toHaveLength(1);
    const del = await api(`/api/organizations/current/invitations/${inv.body.data.invitation.id}`, { method: "DELETE", token: owner.token });
    expect(del.status).toBe(200);
    expectError(await api(`/api/invitations/${token}`), 404, "not_found");
    expect((await api("/api/organizations/current/invitations", { token: owner.token })).body.data).toHaveLength(0);
  });
});

describe("roles", () => {
  it("lets a viewer read but never write", async () => {
    const owner = await registerAccount("rv");
    const viewer = await addMember(owner, "viewer");
    expect((await api("/api/users", { token: viewer.token })).status).toBe(200);
    expect((await api("/api/organizations/current", { token: viewer.token })).status).toBe(200);
    const email = `${unique("x")}@example.com`;
    expectError(await api("/api/organizations/current/invitations", { token: viewer.token, body: { email, role: "viewer" } }), 403, "forbidden");
    expectError(await api("/api/organizations/current", { method: "PATCH", token: viewer.token, body: { name: "Hacked" } }), 403, "forbidden");
    expectError(await api(`/api/users/${owner.userId}`, { method: "PATCH", token: viewer.token, body: { role: "viewer" } }), 403, "forbidden");
    expectError(await api(`/api/users/${owner.userId}`, { method: "DELETE", token: viewer.token }), 403, "forbidden");
    expectError(await api("/api/audit-log", { token: viewer.token }), 403, "forbidden");
    const org = (await api("/api/organizations/current", { token: owner.token })).body.data;
    expect(org.name).toBe("rv org");
    expect((await api(`/api/users/${owner.userId}`, { token: owner.token })).body.data.role).toBe("owner");
    expect((await api("/api/organizations/current/invitations", { token: owner.token })).body.data).toEqual([]);
  });

  it("lets an agent read members but not invite or manage them", async () => {
    const owner = await registerAccount("ra");
    const agent = await addMember(owner, "agent");
    expect((await api("/api/users", { token: agent.token })).status).toBe(200);
    expectError(
      await api("/api/organizations/current/invitations", { token: agent.token, body: { email: `${unique()}@example.com`, role: "agent" } }),
      403,
      "forbidden",
    );
  });

  it("lets a manager invite agents and viewers but not admins or owners", async () => {
    const owner = await registerAccount("rm");
    const manager = await addMember(owner, "manager");
    const invite = (role: string) =>
      api("/api/organizations/current/invitations", { token: manager.token, body: { email: `${unique()}@example.com`, role } });
    expect((await invite("agent")).status).toBe(201);
    expect((await invite("viewer")).status).toBe(201);
    expectError(await invite("admin"), 403, "forbidden");
    expectError(await invite("owner"), 403, "forbidden");
  });

  it("lets an admin change roles below owner, but not make or unmake owners", async () => {
    const owner = await registerAccount("rad");
    const admin = await addMember(owner, "admin");
    const agent = await addMember(owner, "agent");
    const up = await api(`/api/users/${agent.userId}`, { method: "PATCH", token: admin.token, body: { role: "manager" } });
    expect(up.status).toBe(200);
    expect(up.body.data.role).toBe("manager");
    expectError(await api(`/api/users/${agent.userId}`, { method: "PATCH", token: admin.token, body: { role: "owner" } }), 403, "forbidden");
    expectError(await api(`/api/users/${owner.userId}`, { method: "PATCH", token: admin.token, body: { role: "agent" } }), 403, "forbidden");
    expect((await api(`/api/users/${agent.userId}`, { token: owner.token })).body.data.role).toBe("manager");
    expect((await api(`/api/users/${owner.userId}`, { token: owner.token })).body.data.role).toBe("owner");
  });

  it("applies a role change on the member's very next request", async () => {
    const owner = await registerAccount("rnext");
    const manager = await addMember(owner, "manager");
    await api(`/api/users/${manager.userId}`, { method: "PATCH", token: owner.token, body: { role: "viewer" } });
    const email = `${unique()}@example.com`;
    expectError(await api("/api/organizations/current/invitations", { token: manager.token, body: { email, role: "agent" } }), 403, "forbidden");
  });

  it("never removes or demotes the last owner", async () => {
    const owner = await registerAccount("last");
    expectError(await api(`/api/users/${owner.userId}`, { method: "DELETE", token: owner.token }), 409, "conflict");
    expectError(await api(`/api/users/${owner.userId}`, { method: "PATCH", token: owner.token, body: { role: "admin" } }), 409, "conflict");
    const second = await addMember(owner, "admin");
    await api(`/api/users/${second.userId}`, { method: "PATCH", token: owner.token, body: { role: "owner" } });
    const demote = await api(`/api/users/${owner.userId}`, { method: "PATCH", token: owner.token, body: { role: "admin" } });
    expect(demote.status).toBe(200);
    const members = await api("/api/users?role=owner", { token: second.token });
    expect(members.body.data.map((m: { id: string }) => m.id)).toEqual([second.userId]);
  });

  it("cuts a removed member off at once", async () => {
    const owner = await registerAccount("rmv");
    const agent = await addMember(owner, "agent");
    expect((await api(`/api/users/${agent.userId}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api("/api/users", { token: agent.token }), 401, "unauthorized");
    expectError(await api("/api/auth/refresh", { body: { refreshToken: agent.refreshToken } }), 401, "unauthorized");
  });

  it("lets any member leave, but not remove others without permission", async () => {
    const owner = await registerAccount("leave");
    const agent = await addMember(owner, "agent");
    const other = await addMember(owner, "viewer");
    expectError(await api(`/api/users/${other.userId}`, { method: "DELETE", token: agent.token }), 403, "forbidden");
    expect((await api(`/api/users/${other.userId}`, { token: owner.token })).body.data.role).toBe("viewer");
    expect((await api("/api/users", { token: other.token })).status).toBe(200);
    expect((await api(`/api/users/${agent.userId}`, { method: "DELETE", token: agent.token })).status).toBe(200);
  });
});

describe("member list", () => {
  it("paginates, sorts and filters with meta", async () => {
    const owner = await registerAccount("list");
    await addMember(owner, "agent", "zed");
    await addMember(owner, "agent", "amy");
    await addMember(owner, "viewer", "bob");
    const page1 = await api("/api/users?per_page=2&sort=name", { token: owner.token });
    expect(page1.body.meta).toEqual({ page: 1, per_page: 2, total: 4 });
    expect(page1.body.data).toHaveLength(2);
    const names = page1.body.data.map((m: { name: string }) => m.name);
    expect([...names].sort()).toEqual(names);
    const agents = await api("/api/users?role=agent", { token: owner.token });
    expect(agents.body.meta.total).toBe(2);
    expectError(await api("/api/users?per_page=1000", { token: owner.token }), 400, "validation_error");
    expectError(await api("/api/users?sort=password", { token: owner.token }), 400, "validation_error");
  });

  it("searches names and emails literally: % and _ are characters, not wildcards", async () => {
    const owner = await registerAccount("listlike");
    const underscored = await addMember(owner, "agent", "snake_case");
    await addMember(owner, "agent", "plain");
    const found = async (q: string) =>
      (await api(`/api/users?q=${encodeURIComponent(q)}`, { token: owner.token })).body.data.map((m: { id: string }) => m.id);
    expect(await found("%")).toEqual([]);
    expect(await found("_")).toEqual([underscored.userId]);
    expect(await found("e_c")).toEqual([underscored.userId]);
    expect(await found("person")).toHaveLength(3);
  });
});
