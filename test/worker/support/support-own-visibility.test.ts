import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, api, BASE, expectError, registerAccount, type Account } from "../../helpers";
import { restrictToOwnRecords } from "../../record-helpers";
import { openTicketVia } from "./support-helpers";

async function team(owner: Account, name: string, memberIds: string[]) {
  const res = await api("/api/support/teams", { token: owner.token, body: { name, assignmentRule: "manual", memberIds } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

async function listIds(account: Account, query = "") {
  const res = await api(`/api/support/tickets?per_page=100${query}`, { token: account.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.data as { id: string }[]).map((t) => t.id).sort();
}

const sorted = (...ids: string[]) => [...ids].sort();

/**
 * owner, manager, two agents; agent `a` is in team T, `b` in no team.
 * Tickets: a's own, b's own, T's queue, another team's queue, and one with no team.
 */
async function desk(label: string) {
  const owner = await registerAccount(label);
  const manager = await addMember(owner, "manager", `${label}m`);
  const a = await addMember(owner, "agent", `${label}a`);
  const b = await addMember(owner, "agent", `${label}b`);
  const viewer = await addMember(owner, "viewer", `${label}v`);
  const t = await team(owner, "Tier 1", [a.userId]);
  const u = await team(owner, "Tier 2", [manager.userId]);
  const mine = await openTicketVia(manager, { subject: "Mine alpha", assigneeId: a.userId, teamId: t.id });
  const theirs = await openTicketVia(manager, { subject: "Theirs bravo", assigneeId: b.userId });
  const teamQueue = await openTicketVia(manager, { subject: "Queue charlie", teamId: t.id });
  const otherQueue = await openTicketVia(manager, { subject: "Other queue delta", teamId: u.id });
  const noTeam = await openTicketVia(manager, { subject: "Loose echo" });
  return { owner, manager, a, b, viewer, t, u, mine, theirs, teamQueue, otherQueue, noTeam };
}

describe("own-records visibility for tickets", () => {
  it("lists only an agent's own tickets and the unassigned ones they could pick up; managers and viewers see all", async () => {
    const d = await desk("ownlist");
    const all = sorted(d.mine.id, d.theirs.id, d.teamQueue.id, d.otherQueue.id, d.noTeam.id);
    // Unrestricted organization: everyone sees everything.
    expect(await listIds(d.a)).toEqual(all);

    await restrictToOwnRecords(d.owner);
    expect(await listIds(d.a)).toEqual(sorted(d.mine.id, d.teamQueue.id, d.noTeam.id));
    expect(await listIds(d.b)).toEqual(sorted(d.theirs.id, d.noTeam.id));
    for (const member of [d.owner, d.manager, d.viewer]) expect(await listIds(member)).toEqual(all);

    // Search, explicit filters and saved views agree with the list.
    await api(`/api/support/tickets/${d.theirs.id}/comments`, { token: d.manager.token, body: { kind: "internal", body: "secret foxtrot note" } });
    expect(await listIds(d.a, "&q=foxtrot")).toEqual([]);
    expect(await listIds(d.b, "&q=foxtrot")).toEqual([d.theirs.id]);
    expect(await listIds(d.a, `&assigneeId=${d.b.userId}`)).toEqual([]);
    expect(await listIds(d.a, `&teamId=${d.u.id}`)).toEqual([]);
    expect(await listIds(d.a, "&view=unassigned")).toEqual(sorted(d.teamQueue.id, d.noTeam.id));
    expect(await listIds(d.a, "&view=my-open")).toEqual([d.mine.id]);
    const saved = await api("/api/support/views", { token: d.a.token, body: { name: "Everything open", filters: { status: ["new", "open"] } } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(await listIds(d.a, `&view=${saved.body.data.id}`)).toEqual(sorted(d.mine.id, d.teamQueue.id, d.noTeam.id));

    // Analytics for a restricted agent count what they can see.
    const counted = async (account: Account) => (await api("/api/support/analytics", { token: account.token })).body.data.totals.created;
    expect(await counted(d.a)).toBe(3);
    expect(await counted(d.manager)).toBe(5);
  });

  it("answers 404 for another agent's ticket on every read and write, and lets the agent pick up queued work", async () => {
    const d = await desk("own404");
    await restrictToOwnRecords(d.owner);
    const hidden = d.theirs.id;
    const token = d.a.token;
    expectError(await api(`/api/support/tickets/${hidden}`, { token }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${hidden}`, { method: "PATCH", token, body: { status: "pending" } }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${hidden}`, { method: "PATCH", token, body: { assigneeId: d.a.userId } }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${hidden}/comments`, { token, body: { body: "hello" } }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${hidden}/history`, { token }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${hidden}/presence`, { token, body: { activity: "viewing" } }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${hidden}/assign`, { token, body: { teamId: d.t.id } }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${hidden}/merge`, { token, body: { intoId: d.mine.id } }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${d.mine.id}/merge`, { token, body: { intoId: hidden } }), 400, "validation_error");
    expectError(await api(`/api/support/tickets/${d.otherQueue.id}`, { token }), 404, "not_found");
    const upload = await api(`/api/support/tickets/${hidden}/attachments`, {
      token,
      headers: { "content-type": "text/plain", "x-filename": "note.txt" },
      rawBody: "hello",
    });
    expectError(upload, 404, "not_found");
    const unchanged = await api(`/api/support/tickets/${hidden}`, { token: d.manager.token });
    expect(unchanged.body.data).toMatchObject({ status: "open", assigneeId: d.b.userId, comments: [] });

    // A file on the hidden ticket is 404 to the restricted agent, served to its assignee.
    const stored = await api(`/api/support/tickets/${hidden}/attachments`, {
      token: d.manager.token,
      headers: { "content-type": "text/plain", "x-filename": "log.txt" },
      rawBody: "log line",
    });
    expect(stored.status, JSON.stringify(stored.body)).toBe(201);
    const download = (account: Account) =>
      exports.default.fetch(new Request(`${BASE}${stored.body.data.url}`, { headers: { authorization: `Bearer ${account.token}` } }));
    const denied = await download(d.a);
    expect(denied.status).toBe(404);
    expect((await denied.json<any>()).error.code).toBe("not_found");
    expect(await (await download(d.b)).text()).toBe("log line");

    // Queued work of their team is theirs to pick up; once handed to someone else it is gone from their view.
    const visibleQueue = await api(`/api/support/tickets/${d.teamQueue.id}`, { token });
    expect(visibleQueue.status).toBe(200);
    const picked = await api(`/api/support/tickets/${d.teamQueue.id}`, { method: "PATCH", token, body: { assigneeId: d.a.userId } });
    expect(picked.body.data).toMatchObject({ assigneeId: d.a.userId, status: "open" });
    const reply = await api(`/api/support/tickets/${d.noTeam.id}/comments`, { token, body: { body: "On it" } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const handedOn = await api(`/api/support/tickets/${d.mine.id}`, { method: "PATCH", token, body: { assigneeId: d.b.userId } });
    expect(handedOn.status, JSON.stringify(handedOn.body)).toBe(200);
    expectError(await api(`/api/support/tickets/${d.mine.id}`, { token }), 404, "not_found");
    expect((await api(`/api/support/tickets/${d.mine.id}`, { token: d.b.token })).status).toBe(200);
  });
});
