import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { api, expectError, registerAccount, STRONG_PASSWORD, unique } from "../../helpers";

describe("register", () => {
  it("creates the user and an organization they own, and signs them in", async () => {
    const email = `${unique("reg")}@Example.com`;
    const res = await api("/api/auth/register", {
      body: { name: "Ada Lovelace", email, password: STRONG_PASSWORD, organizationName: "Analytical Engines" },
    });
    expect(res.status).toBe(201);
    const data = res.body.data;
    expect(data.user).toMatchObject({ name: "Ada Lovelace", email: email.toLowerCase() });
    expect(data.organization).toMatchObject({ name: "Analytical Engines" });
    expect(data.role).toBe("owner");
    expect(data.accessToken.split(".")).toHaveLength(3);
    expect(data.refreshToken).toMatch(/\./);
    expect(data.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(data.user).not.toHaveProperty("passwordHash");
  });

  it("refuses an email that is already registered, whatever its case", async () => {
    const a = await registerAccount("dupe");
    const res = await api("/api/auth/register", {
      body: { name: "Again", email: a.email.toUpperCase(), password: STRONG_PASSWORD, organizationName: "X" },
    });
    expectError(res, 409, "conflict");
  });

  it("names each bad field in validation errors", async () => {
    const res = await api("/api/auth/register", { body: { name: "", email: "not-an-email", password: "x" } });
    expectError(res, 400, "validation_error");
    expect(Object.keys(res.body.error.details)).toEqual(expect.arrayContaining(["name", "email", "organizationName"]));
  });

  it("refuses weak passwords with a reason", async () => {
    for (const password of ["short", "password123", "aaaaaaaaaaaa"]) {
      const res = await api("/api/auth/register", {
        body: { name: "W", email: `${unique("weak")}@example.com`, password, organizationName: "W" },
      });
      expectError(res, 400, "validation_error");
      expect(res.body.error.details.password[0]).toBeTruthy();
    }
  });
});

describe("login, me and logout", () => {
  it("logs in with the right password and answers me", async () => {
    const a = await registerAccount("login");
    const res = await api("/api/auth/login", { body: { email: a.email, password: a.password } });
    expect(res.status).toBe(200);
    expect(res.body.data.organization.id).toBe(a.orgId);
    const me = await api("/api/auth/me", { token: res.body.data.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ user: { id: a.userId, email: a.email }, organization: { id: a.orgId }, role: "owner" });
    expect(me.body.data.permissions).toContain("members:invite");
  });

  it("answers 401 for a wrong password or an unknown email, with the same message", async () => {
    const a = await registerAccount("badpw");
    const wrong = await api("/api/auth/login", { body: { email: a.email, password: "not the password!" } });
    const unknown = await api("/api/auth/login", { body: { email: `${unique("nobody")}@example.com`, password: "whatever123" } });
    expectError(wrong, 401, "unauthorized");
    expectError(unknown, 401, "unauthorized");
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it("revokes the session on logout: the access and refresh tokens stop working", async () => {
    const a = await registerAccount("logout");
    expect((await api("/api/auth/logout", { method: "POST", token: a.token })).status).toBe(200);
    expectError(await api("/api/auth/me", { token: a.token }), 401, "unauthorized");
    expectError(await api("/api/auth/refresh", { body: { refreshToken: a.refreshToken } }), 401, "unauthorized");
  });

  it("requires a token for me", async () => {
    expectError(await api("/api/auth/me"), 401, "unauthorized");
    expectError(await api("/api/auth/me", { token: "garbage" }), 401, "unauthorized");
  });
});

describe("access tokens", () => {
  it("rejects a token signed with another key, with alg none, or expired", async () => {
    const a = await registerAccount("jwt");
    const [, payload] = a.token.split(".");
    const none = `${btoa(JSON.stringify({ alg: "none", typ: "JWT" })).replace(/=+$/, "")}.${payload}.`;
    expectError(await api("/api/auth/me", { token: none }), 401, "unauthorized");

    const claims = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode("another-secret-another-secret-another-secret"));
    expectError(await api("/api/auth/me", { token: forged }), 401, "unauthorized");

    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(env.JWT_SECRET));
    const res = await api("/api/auth/me", { token: expired });
    expectError(res, 401, "unauthorized");
  });

  it("lives about fifteen minutes and names its organization", async () => {
    const a = await registerAccount("ttl");
    const claims = JSON.parse(atob(a.token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims.org).toBe(a.orgId);
    expect(claims.sub).toBe(a.userId);
  });
});

describe("refresh token rotation", () => {
  it("issues a new pair and spends the old refresh token", async () => {
    const a = await registerAccount("rot");
    const first = await api("/api/auth/refresh", { body: { refreshToken: a.refreshToken } });
    expect(first.status).toBe(200);
    expect(first.body.data.refreshToken).not.toBe(a.refreshToken);
    expect((await api("/api/auth/me", { token: first.body.data.accessToken })).status).toBe(200);
  });

  it("treats reuse of a spent refresh token as theft and revokes the whole family", async () => {
    const a = await registerAccount("theft");
    const rotated = await api("/api/auth/refresh", { body: { refreshToken: a.refreshToken } });
    const newest = rotated.body.data;
    const replay = await api("/api/auth/refresh", { body: { refreshToken: a.refreshToken } });
    expectError(replay, 401, "unauthorized");
    expectError(await api("/api/auth/refresh", { body: { refreshToken: newest.refreshToken } }), 401, "unauthorized");
    expectError(await api("/api/auth/me", { token: newest.accessToken }), 401, "unauthorized");
  });

  it("rejects a tampered refresh token without revoking the session", async () => {
    const a = await registerAccount("tamper");
    const [id] = a.refreshToken.split(".");
    expectError(await api("/api/auth/refresh", { body: { refreshToken: `${id}.forged` } }), 401, "unauthorized");
    expect((await api("/api/auth/refresh", { body: { refreshToken: a.refreshToken } })).status).toBe(200);
  });
});

describe("switching organization", () => {
  it("issues a token for another organization the user belongs to", async () => {
    const a = await registerAccount("switch");
    const created = await api("/api/organizations", { token: a.token, body: { name: "Second Co" } });
    expect(created.status).toBe(201);
    const orgs = await api("/api/organizations", { token: a.token });
    expect(orgs.body.data.map((o: { name: string }) => o.name)).toEqual(expect.arrayContaining(["Second Co", "switch org"]));
    const sw = await api("/api/auth/switch", { token: a.token, body: { organizationId: created.body.data.organization.id } });
    expect(sw.status).toBe(200);
    const me = await api("/api/auth/me", { token: sw.body.data.accessToken });
    expect(me.body.data.organization.name).toBe("Second Co");
  });

  it("answers 404 for an organization the user does not belong to", async () => {
    const a = await registerAccount("sw1");
    const b = await registerAccount("sw2");
    expectError(await api("/api/auth/switch", { token: a.token, body: { organizationId: b.orgId } }), 404, "not_found");
  });
});
