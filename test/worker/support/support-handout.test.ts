import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { orgDb } from "../../../worker/platform/db";
import { setAgentStatus } from "../../../worker/agents/agent-status";
import { handOutQueuedTickets } from "../../../worker/support/tickets/handout";
import { addMember, api, registerAccount, type Account } from "../../helpers";
import { joinRoom, until } from "../../room-client";
import { openTicketVia, setAvailability } from "./support-helpers";

async function team(owner: Account, name: string, assignmentRule: string, memberIds: string[]) {
  const res = await api("/api/support/teams", { token: owner.token, body: { name, assignmentRule, memberIds } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

async function ticket(owner: Account, id: string) {
  const res = await api(`/api/support/tickets/${id}`, { token: owner.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

async function assignmentNotifications(account: Account) {
  const res = await api("/api/notifications?per_page=100", { token: account.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.data as any[]).filter((n) => n.type === "ticket_assigned");
}

const count = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).first<{ n: number }>())!.n;

describe("queued tickets go to an agent who becomes available", () => {
  it("hands the queue of their automatic teams out, most urgent then oldest, with ticket_assigned and a notification each", async () => {
    const owner = await registerAccount("hand");
    const agent = await addMember(owner, "agent", "handagent");
    const colleague = await addMember(owner, "agent", "handother");
    const queue = await team(owner, "Tier 1", "round_robin", [agent.userId]);
    const manual = await team(owner, "Escalations", "manual", [agent.userId]);
    const foreignTeam = await team(owner, "Billing", "least_loaded", [colleague.userId]);

    const oldest = await openTicketVia(owner, { subject: "Oldest normal", teamId: queue.id, priority: "normal" });
    const urgent = await openTicketVia(owner, { subject: "Urgent", teamId: queue.id, priority: "urgent" });
    const low = await openTicketVia(owner, { subject: "Low", teamId: queue.id, priority: "low" });
    const newerNormal = await openTicketVia(owner, { subject: "Newer normal", teamId: queue.id, priority: "normal" });
    const solved = await openTicketVia(owner, { subject: "Solved", teamId: queue.id });
    await api(`/api/support/tickets/${solved.id}`, { method: "PATCH", token: owner.token, body: { status: "solved" } });
    const manualOne = await openTicketVia(owner, { subject: "Manual", teamId: manual.id });
    const otherTeam = await openTicketVia(owner, { subject: "Not their team", teamId: foreignTeam.id });
    const noTeam = await openTicketVia(owner, { subject: "No team" });
    for (const t of [oldest, urgent, low, newerNormal]) expect(t.assigneeId).toBeNull();

    const room = await joinRoom(owner.orgId, owner.token);
    await setAvailability(agent, "available");
    const handed = [urgent, oldest, newerNormal, low];
    const assignedEvents = () => room.events.filter((e) => e.type === "ticket_assigned");
    await until(() => assignedEvents().length >= handed.length, "ticket_assigned for every queued ticket", 15_000);
    expect(assignedEvents().map((e) => e.data.ticketId)).toEqual(handed.map((t) => t.id));
    for (const e of assignedEvents()) expect(e.data).toMatchObject({ assigneeId: agent.userId, previousAssigneeId: null, teamId: queue.id, by: null });

    for (const t of handed) expect(await ticket(owner, t.id)).toMatchObject({ assigneeId: agent.userId, status: "open" });
    for (const t of [solved, manualOne, otherTeam, noTeam]) expect((await ticket(owner, t.id)).assigneeId).toBeNull();
    const notes = await assignmentNotifications(agent);
    expect(notes.map((n) => n.data.ticketId).sort()).toEqual(handed.map((t) => t.id).sort());
    expect(await assignmentNotifications(colleague)).toHaveLength(0);
    room.close();
  });

  it("follows the team's rule among everyone available when a second agent becomes available", async () => {
    const owner = await registerAccount("handrr");
    const first = await addMember(owner, "agent", "handfirst");
    const second = await addMember(owner, "agent", "handsecond");
    await setAvailability(first, "available");
    // Queued under the manual rule while `first` was already available; the team then switches to round robin.
    const t = await team(owner, "Rotation", "manual", [first.userId, second.userId]);
    const tickets: { id: string }[] = [];
    for (let i = 0; i < 4; i++) tickets.push(await openTicketVia(owner, { subject: `Queued ${i}`, teamId: t.id }));
    const switched = await api(`/api/support/teams/${t.id}`, { method: "PATCH", token: owner.token, body: { assignmentRule: "round_robin" } });
    expect(switched.status, JSON.stringify(switched.body)).toBe(200);

    await setAvailability(second, "away");
    await setAvailability(second, "available");
    await vi.waitFor(
      async () => {
        for (const q of tickets) expect((await ticket(owner, q.id)).assigneeId).not.toBeNull();
      },
      { timeout: 15_000, interval: 100 },
    );
    const assignees = await Promise.all(tickets.map(async (q) => (await ticket(owner, q.id)).assigneeId));
    expect(assignees.filter((a) => a === first.userId)).toHaveLength(2);
    expect(assignees.filter((a) => a === second.userId)).toHaveLength(2);
  });

  it("never assigns a ticket twice when hand-outs run at the same time", async () => {
    const owner = await registerAccount("handrace");
    const agent = await addMember(owner, "agent", "handrace");
    const other = await addMember(owner, "agent", "handrace2");
    const t = await team(owner, "Race", "least_loaded", [agent.userId, other.userId]);
    const queued: { id: string }[] = [];
    for (let i = 0; i < 6; i++) queued.push(await openTicketVia(owner, { subject: `Race ${i}`, teamId: t.id }));
    // Straight through the service, so no job is queued and these runs are the only ones.
    const db = orgDb(env, owner.orgId);
    for (const a of [agent, other]) await setAgentStatus(db, owner.orgId, a.userId, { status: "available", source: "agent", actorId: a.userId });

    const runs = await Promise.all([
      handOutQueuedTickets(env, owner.orgId, agent.userId),
      handOutQueuedTickets(env, owner.orgId, other.userId),
      handOutQueuedTickets(env, owner.orgId, agent.userId),
    ]);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(queued.length);
    for (const q of queued) expect((await ticket(owner, q.id)).assigneeId).not.toBeNull();
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE org_id = ? AND entity = 'ticket' AND action = 'assign'", owner.orgId)).toBe(queued.length);
    const notified = [...(await assignmentNotifications(agent)), ...(await assignmentNotifications(other))].map((n) => n.data.ticketId);
    expect(notified.sort()).toEqual(queued.map((q) => q.id).sort());
    // A second pass finds nothing left to hand out.
    expect(await handOutQueuedTickets(env, owner.orgId, agent.userId)).toBe(0);
  });
});
