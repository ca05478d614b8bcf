import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { joinRoom, until } from "../../room-client";
import { openTicketVia, setAvailability } from "./support-helpers";

async function team(owner: Awaited<ReturnType<typeof registerAccount>>, assignmentRule: string, memberIds: string[]) {
  const res = await api("/api/support/teams", { token: owner.token, body: { name: `Tier ${assignmentRule}`, assignmentRule, memberIds } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

describe("support assignment rules", () => {
  it("round robin takes turns among the team's available agents only", async () => {
    const owner = await registerAccount("rr");
    const [a1, a2, away] = [await addMember(owner, "agent", "rra"), await addMember(owner, "agent", "rrb"), await addMember(owner, "agent", "rrc")];
    await setAvailability(a1, "available");
    await setAvailability(a2, "available");
    await setAvailability(away, "away");
    const t = await team(owner, "round_robin", [a1.userId, a2.userId, away.userId]);
    const order = [a1.userId, a2.userId].sort();
    const picks = [];
    for (let i = 0; i < 3; i++) picks.push((await openTicketVia(owner, { teamId: t.id })).assigneeId);
    expect(picks).toEqual([order[0], order[1], order[0]]);
    const after = await api(`/api/support/teams/${t.id}`, { token: owner.token });
    expect(after.body.data.lastAssignedUserId).toBe(order[0]);
  });

  it("least loaded picks the available agent with the fewest open tickets", async () => {
    const owner = await registerAccount("ll");
    const busy = await addMember(owner, "agent", "llbusy");
    const idle = await addMember(owner, "agent", "llidle");
    await setAvailability(busy, "available");
    await setAvailability(idle, "available");
    await openTicketVia(owner, { assigneeId: busy.userId });
    await openTicketVia(owner, { assigneeId: busy.userId });
    const solvedForIdle = await openTicketVia(owner, { assigneeId: idle.userId });
    await api(`/api/support/tickets/${solvedForIdle.id}`, { method: "PATCH", token: owner.token, body: { status: "solved" } });
    const t = await team(owner, "least_loaded", [busy.userId, idle.userId]);
    expect((await openTicketVia(owner, { teamId: t.id })).assigneeId).toBe(idle.userId);
    expect((await openTicketVia(owner, { teamId: t.id })).assigneeId).toBe(idle.userId);
    // 2 open each now: the tie goes to whoever was handed work longest ago.
    expect((await openTicketVia(owner, { teamId: t.id })).assigneeId).toBe(busy.userId);
  });

  it("leaves the ticket in the team queue when nobody is available, and assigns on request later", async () => {
    const owner = await registerAccount("none");
    const agent = await addMember(owner, "agent");
    const t = await team(owner, "round_robin", [agent.userId]);
    const ticket = await openTicketVia(owner, { teamId: t.id });
    expect(ticket.assigneeId).toBeNull();
    const nobody = await api(`/api/support/tickets/${ticket.id}/assign`, { token: owner.token, body: {} });
    expect(nobody.body.data.assigned).toBe(false);
    await setAvailability(agent, "available");
    const later = await api(`/api/support/tickets/${ticket.id}/assign`, { token: owner.token, body: {} });
    expect(later.body.data).toMatchObject({ assigned: true, ticket: { assigneeId: agent.userId, status: "open" } });
    const manual = await openTicketVia(owner);
    expectError(await api(`/api/support/tickets/${manual.id}/assign`, { token: owner.token, body: {} }), 400, "validation_error");
  });

  it("never auto-assigns with the manual rule", async () => {
    const owner = await registerAccount("man");
    const agent = await addMember(owner, "agent");
    await setAvailability(agent, "available");
    const t = await team(owner, "manual", [agent.userId]);
    expect((await openTicketVia(owner, { teamId: t.id })).assigneeId).toBeNull();
  });

  it("manages teams: unique names, member lists, deletion unlinks tickets, other organizations' teams are 404", async () => {
    const owner = await registerAccount("tmc");
    const agent = await addMember(owner, "agent");
    const a = await team(owner, "manual", [agent.userId]);
    expectError(await api("/api/support/teams", { token: owner.token, body: { name: a.name } }), 409, "conflict");
    const b = await api("/api/support/teams", { token: owner.token, body: { name: "Billing" } });
    expectError(await api(`/api/support/teams/${b.body.data.id}`, { method: "PATCH", token: owner.token, body: { name: a.name } }), 409, "conflict");
    const changed = await api(`/api/support/teams/${a.id}`, { method: "PATCH", token: owner.token, body: { memberIds: [], assignmentRule: "least_loaded" } });
    expect(changed.body.data).toMatchObject({ memberIds: [], assignmentRule: "least_loaded" });
    const ticket = await openTicketVia(owner, { teamId: a.id });
    expect((await api(`/api/support/teams/${a.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expect((await api(`/api/support/tickets/${ticket.id}`, { token: owner.token })).body.data.teamId).toBeNull();
    const stranger = await registerAccount("tmc2");
    expectError(await api(`/api/support/teams/${b.body.data.id}`, { token: stranger.token }), 404, "not_found");
    expectError(await api("/api/support/tickets", { token: stranger.token, body: { subject: "x", teamId: b.body.data.id } }), 400, "validation_error");
  });

  it("refuses team members who cannot work tickets", async () => {
    const owner = await registerAccount("tmv");
    const viewer = await addMember(owner, "viewer");
    expectError(await api("/api/support/teams", { token: owner.token, body: { name: "X", memberIds: [viewer.userId] } }), 400, "validation_error");
  });
});

describe("support assignment events", () => {
  it("publishes ticket_assigned to the room and a notification only to the assignee", async () => {
    const owner = await registerAccount("ev");
    const agent = await addMember(owner, "agent");
    const ownerClient = await joinRoom(owner.orgId, owner.token);
    const agentClient = await joinRoom(owner.orgId, agent.token);
    const ticket = await openTicketVia(owner);
    await until(() => agentClient.events.some((e) => e.type === "ticket_created"), "ticket_created");
    await api(`/api/support/tickets/${ticket.id}`, { method: "PATCH", token: owner.token, body: { assigneeId: agent.userId } });
    await until(() => agentClient.events.some((e) => e.type === "notification"), "notification");
    await until(() => ownerClient.events.some((e) => e.type === "ticket_assigned"), "ticket_assigned to the owner");
    const assigned = agentClient.events.find((e) => e.type === "ticket_assigned")!;
    expect(assigned.data).toMatchObject({ ticketId: ticket.id, assigneeId: agent.userId, previousAssigneeId: null, by: owner.userId });
    const note = agentClient.events.find((e) => e.type === "notification")!;
    expect(note.data.notification).toMatchObject({ type: "ticket_assigned", userId: agent.userId, link: `/support/tickets/${ticket.id}` });
    expect(ownerClient.events.some((e) => e.type === "ticket_updated")).toBe(true);
    await api(`/api/support/tickets/${ticket.id}/comments`, { token: agent.token, body: { kind: "internal", body: "Taking it" } });
    await until(() => ownerClient.events.some((e) => e.type === "ticket_updated" && e.data.comment?.body === "Taking it"), "comment event");
    expect(ownerClient.events.some((e) => e.type === "notification")).toBe(false);

    const inbox = await api("/api/notifications", { token: agent.token });
    expect(inbox.body.meta.unread).toBe(1);
    expect(inbox.body.data[0]).toMatchObject({ type: "ticket_assigned", readAt: null });
    expect((await api("/api/notifications", { token: owner.token })).body.data).toEqual([]);
    ownerClient.close();
    agentClient.close();
  });

  it("shares who is viewing or replying to a ticket, and announces deletions", async () => {
    const owner = await registerAccount("pres");
    const agent = await addMember(owner, "agent");
    const ticket = await openTicketVia(owner);
    const ownerClient = await joinRoom(owner.orgId, owner.token);
    const res = await api(`/api/support/tickets/${ticket.id}/presence`, { token: agent.token, body: { activity: "replying" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await until(() => ownerClient.events.some((e) => e.type === "ticket_viewing"), "ticket_viewing");
    expect(ownerClient.events.find((e) => e.type === "ticket_viewing")!.data).toEqual({
      ticketId: ticket.id,
      userId: agent.userId,
      name: "agent person",
      activity: "replying",
    });
    expectError(await api(`/api/support/tickets/${ticket.id}/presence`, { token: agent.token, body: { activity: "dancing" } }), 400, "validation_error");
    const stranger = await registerAccount("pres2");
    expectError(await api(`/api/support/tickets/${ticket.id}/presence`, { token: stranger.token, body: { activity: "viewing" } }), 404, "not_found");
    await api(`/api/support/tickets/${ticket.id}`, { method: "DELETE", token: owner.token });
    await until(() => ownerClient.events.some((e) => e.type === "ticket_updated" && e.data.deleted === true), "deletion event");
    ownerClient.close();
  });
});
