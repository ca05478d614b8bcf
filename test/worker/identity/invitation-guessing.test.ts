import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectError, registerAccount, STRONG_PASSWORD, unique, uniqueIp, type Account } from "../../helpers";

const count = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).first<{ n: number }>())!.n;
const memberships = (orgId: string, email: string) =>
  count("SELECT count(*) AS n FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND u.email = ?", orgId, email);

async function invite(owner: Account, email: string, role = "viewer") {
  const res = await api("/api/organizations/current/invitations", { token: owner.token, body: { email, role } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.data.invitation.id as string, token: res.body.data.acceptUrl.split("/invite/")[1] as string };
}

const accept = (token: string, body: object, opts: { ip?: string; bearer?: string } = {}) =>
  api(`/api/invitations/${token}/accept`, {
    body,
    token: opts.bearer,
    headers: { "cf-connecting-ip": opts.ip ?? uniqueIp() },
  });

const login = (email: string, password: string, ip = uniqueIp()) =>
  api("/api/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip } });

const attemptsOf = async (invitationId: string) =>
  count("SELECT failed_attempts AS n FROM invitations WHERE id = ?", invitationId);

describe("password guessing through invitation accept", () => {
  it("shares the sign-in limit per email: guesses through the link and through /login meet one budget", async () => {
    const attacker = await registerAccount("guesser");
    const victim = await registerAccount("victim");
    const link = await invite(attacker, victim.email);
    for (let i = 0; i < 3; i++) expectError(await login(victim.email, `wrong-guess-${i}-xyz`), 401, "unauthorized");
    for (let i = 0; i < 2; i++) expectError(await accept(link.token, { password: `other-guess-${i}-xyz` }), 401, "unauthorized");

    // Even the right password is refused now, through either door, and nothing was joined or issued.
    const sessionsBefore = await count("SELECT count(*) AS n FROM sessions WHERE user_id = ?", victim.userId);
    const viaLink = await accept(link.token, { password: victim.password });
    expectError(viaLink, 429, "rate_limited");
    expect(Number(viaLink.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expectError(await login(victim.email, victim.password), 429, "rate_limited");
    expect(await memberships(attacker.orgId, victim.email)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM sessions WHERE user_id = ?", victim.userId)).toBe(sessionsBefore);
    // A refused (limited) attempt checks no password, so it does not count against the link.
    expect(await attemptsOf(link.id)).toBe(2);
  });

  it("limits one address guessing through many links", async () => {
    const attacker = await registerAccount("sprayer");
    const ip = uniqueIp();
    for (let i = 0; i < 5; i++) {
      const link = await invite(attacker, `${unique("spray")}@example.com`);
      expectError(await accept(link.token, { password: "not-the-password-1" }, { ip }), 401, "unauthorized");
    }
    const victim = await registerAccount("sprayed");
    const link = await invite(attacker, victim.email);
    expectError(await accept(link.token, { password: victim.password }, { ip }), 429, "rate_limited");
    expect(await memberships(attacker.orgId, victim.email)).toBe(0);
  });

  it("locks the link after five wrong passwords, audits it, and then refuses even the right one", async () => {
    const owner = await registerAccount("locker");
    const victim = await registerAccount("locked");
    const link = await invite(owner, victim.email, "manager");
    for (let i = 0; i < 5; i++) expectError(await accept(link.token, { password: `wrong-guess-${i}-xyz` }), 401, "unauthorized");
    expect(await attemptsOf(link.id)).toBe(5);

    expectError(await accept(link.token, { password: victim.password }), 404, "not_found");
    expectError(await api(`/api/invitations/${link.token}`), 404, "not_found");
    expect(await memberships(owner.orgId, victim.email)).toBe(0);
    const pending = await api("/api/organizations/current/invitations", { token: owner.token });
    expect(pending.body.data.map((i: { id: string }) => i.id)).not.toContain(link.id);
    const audit = await api(`/api/audit-log?entity=invitation&entityId=${link.id}`, { token: owner.token });
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(["lock", "invite"]);
    expect(audit.body.data[0]).toMatchObject({ actorId: null, changes: { email: victim.email, failedAttempts: 5 } });
  });

  it("keeps counting below the cap: a right password after a few wrong ones still joins", async () => {
    const owner = await registerAccount("typo");
    const invitee = await registerAccount("typist");
    const link = await invite(owner, invitee.email, "agent");
    for (let i = 0; i < 2; i++) expectError(await accept(link.token, { password: `typo-${i}-in-password` }), 401, "unauthorized");
    const ok = await accept(link.token, { password: invitee.password });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.data).toMatchObject({ role: "agent", organization: { id: owner.orgId }, user: { id: invitee.userId } });
    expect(await memberships(owner.orgId, invitee.email)).toBe(1);
  });
});

describe("whether an email has an account stays with its owner", () => {
  it("shows accountExists only to the invitee's own session", async () => {
    const owner = await registerAccount("shower");
    const invitee = await registerAccount("shown");
    const stranger = `${unique("nobody")}@example.com`;
    const toAccount = await invite(owner, invitee.email);
    const toNobody = await invite(owner, stranger);
    for (const link of [toAccount, toNobody]) {
      for (const token of [undefined, owner.token, `${invitee.token}x`]) {
        const shown = await api(`/api/invitations/${link.token}`, { token });
        expect(shown.status).toBe(200);
        expect(shown.body.data).not.toHaveProperty("accountExists");
      }
    }
    expect((await api(`/api/invitations/${toAccount.token}`, { token: invitee.token })).body.data.accountExists).toBe(true);
  });

  it("answers a password without a name the same whether or not the email has an account, creating nothing", async () => {
    const owner = await registerAccount("prober");
    const existing = await registerAccount("probed");
    const stranger = `${unique("nobody")}@example.com`;
    const toAccount = await invite(owner, existing.email);
    const toNobody = await invite(owner, stranger);
    const answers = [];
    for (const link of [toAccount, toNobody]) {
      const res = await accept(link.token, { password: "a-guess-at-the-password" });
      answers.push({ status: res.status, error: res.body.error });
      expect(await attemptsOf(link.id)).toBe(1);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]!.status).toBe(401);
    // A name brings the new-password rule first, for both.
    const weak = [];
    for (const link of [toAccount, toNobody]) {
      const res = await accept(link.token, { name: "Probe", password: "short" });
      weak.push({ status: res.status, error: res.body.error });
    }
    expect(weak[0]).toEqual(weak[1]);
    expect(weak[0]!.status).toBe(400);
    expect(await count("SELECT count(*) AS n FROM users WHERE email = ?", stranger)).toBe(0);
    expect(await memberships(owner.orgId, existing.email)).toBe(0);
  });

  it("still creates the account when the link brings a name and a good password", async () => {
    const owner = await registerAccount("creator");
    const email = `${unique("fresh")}@example.com`;
    const link = await invite(owner, email, "agent");
    const res = await accept(link.token, { name: "Fresh Person", password: STRONG_PASSWORD });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.user).toMatchObject({ email, name: "Fresh Person" });
    expect(await memberships(owner.orgId, email)).toBe(1);
  });
});

describe("accepting with a Bearer token", () => {
  it("joins with the invitee's live session and no password", async () => {
    const owner = await registerAccount("bearer");
    const invitee = await registerAccount("carrier");
    const link = await invite(owner, invitee.email, "agent");
    const res = await accept(link.token, {}, { bearer: invitee.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await memberships(owner.orgId, invitee.email)).toBe(1);
  });

  it("refuses a signed-out session's token, leaving the invitation open and nothing joined", async () => {
    const owner = await registerAccount("bearer2");
    const invitee = await registerAccount("leaver");
    const link = await invite(owner, invitee.email, "agent");
    expect((await api("/api/auth/logout", { method: "POST", token: invitee.token })).status).toBe(200);
    const sessionsBefore = await count("SELECT count(*) AS n FROM sessions WHERE user_id = ?", invitee.userId);

    expectError(await accept(link.token, {}, { bearer: invitee.token }), 401, "unauthorized");
    expect(await memberships(owner.orgId, invitee.email)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM sessions WHERE user_id = ?", invitee.userId)).toBe(sessionsBefore);
    expect((await api(`/api/invitations/${link.token}`)).status).toBe(200);
    expect(await attemptsOf(link.id)).toBe(0);
  });

  it("gives another user's session no say: the invitee's password is still needed", async () => {
    const owner = await registerAccount("bearer3");
    const invitee = await registerAccount("absent");
    const link = await invite(owner, invitee.email, "agent");
    expectError(await accept(link.token, {}, { bearer: owner.token }), 400, "validation_error");
    expect(await memberships(owner.orgId, invitee.email)).toBe(0);
    expect((await api(`/api/invitations/${link.token}`)).status).toBe(200);
  });
});
