import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publishEvent } from "../../../worker/platform/room-rpc";
import { addMember, api, registerAccount, type Account } from "../../helpers";
import { restrictToOwnRecords } from "../../record-helpers";
import { joinRoom, openRoom, RoomClient, until } from "../../room-client";
import { openTicketVia } from "./support-helpers";

/** An event-only room socket, as an agent restricted to their own records gets. */
async function eventOnly(orgId: string, token: string) {
  const res = await openRoom(orgId, token);
  expect(res.status).toBe(101);
  return new RoomClient(res.webSocket!);
}

const TICKET_EVENTS = ["ticket_created", "ticket_updated", "ticket_assigned", "ticket_viewing", "ticket_removed"];
/** Every ticket event a socket got about one ticket, as `type` strings. */
const about = (c: RoomClient, id: string) =>
  c.events.filter((e) => TICKET_EVENTS.includes(e.type) && (e.data.ticket?.id ?? e.data.ticketId ?? e.data.id) === id).map((e) => e.type);

/** Publishes a marker to everyone and waits until each socket has it: whatever was published before has arrived too. */
async function settle(orgId: string, clients: RoomClient[]) {
  const marker = crypto.randomUUID();
  await publishEvent(env, orgId, "notification", { marker } as never);
  await until(() => clients.every((c) => c.events.some((e) => e.data?.marker === marker)), "marker");
}

async function restrictedDesk(label: string) {
  const owner = await registerAccount(label);
  const manager = await addMember(owner, "manager", `${label}m`);
  const a = await addMember(owner, "agent", `${label}a`);
  const b = await addMember(owner, "agent", `${label}b`);
  const res = await api("/api/support/teams", { token: owner.token, body: { name: "Tier 1", memberIds: [a.userId] } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await restrictToOwnRecords(owner);
  return { owner, manager, a, b, teamId: res.body.data.id as string };
}

const patch = (account: Account, id: string, body: Record<string, unknown>) => api(`/api/support/tickets/${id}`, { method: "PATCH", token: account.token, body });

describe("live ticket events under own-records visibility", () => {
  it("reach only members who may see the ticket, and tell an agent to drop one reassigned away", async () => {
    const { owner, manager, a, b, teamId } = await restrictedDesk("ownev");
    const ca = await eventOnly(owner.orgId, a.token);
    const cb = await eventOnly(owner.orgId, b.token);
    const cm = await joinRoom(owner.orgId, manager.token);

    const forB = await openTicketVia(manager, { subject: "For b", assigneeId: b.userId });
    const forA = await openTicketVia(manager, { subject: "For a", assigneeId: a.userId });
    const queued = await openTicketVia(manager, { subject: "Tier 1 queue", teamId });
    await api(`/api/support/tickets/${forB.id}/comments`, { token: manager.token, body: { kind: "internal", body: "about b's customer" } });
    await api(`/api/support/tickets/${forB.id}/presence`, { token: manager.token, body: { activity: "viewing" } });
    await settle(owner.orgId, [ca, cb, cm]);

    expect(about(ca, forB.id)).toEqual([]);
    expect(about(cb, forB.id)).toEqual(["ticket_created", "ticket_assigned", "ticket_updated", "ticket_viewing"]);
    expect(about(cm, forB.id)).toEqual(["ticket_created", "ticket_assigned", "ticket_updated", "ticket_viewing"]);
    expect(about(ca, forA.id)).toEqual(["ticket_created", "ticket_assigned"]);
    expect(about(cb, forA.id)).toEqual([]);
    // The team queue reaches its members (they can pick it up) and not other agents.
    expect(about(ca, queued.id)).toEqual(["ticket_created"]);
    expect(about(cb, queued.id)).toEqual([]);

    // Reassigned away: a is told to drop it, b gets it.
    const moved = await patch(manager, forA.id, { assigneeId: b.userId });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await settle(owner.orgId, [ca, cb, cm]);
    expect(about(ca, forA.id)).toEqual(["ticket_created", "ticket_assigned", "ticket_removed"]);
    expect(ca.events.find((e) => e.type === "ticket_removed")!.data).toEqual({ id: forA.id, reason: "reassigned", by: manager.userId });
    expect(about(cb, forA.id)).toEqual(["ticket_updated", "ticket_assigned"]);
    expect(cb.events.find((e) => e.type === "ticket_updated" && e.data.ticket.id === forA.id)!.data.ticket).toMatchObject({ assigneeId: b.userId });
    expect(about(cm, forA.id)).not.toContain("ticket_removed");

    // Later changes to it no longer reach a; picking up the queued ticket keeps it on a's board only.
    await patch(manager, forA.id, { priority: "high" });
    await patch(a, queued.id, { assigneeId: a.userId });
    await settle(owner.orgId, [ca, cb, cm]);
    expect(about(ca, forA.id)).toEqual(["ticket_created", "ticket_assigned", "ticket_removed"]);
    expect(about(ca, queued.id)).toEqual(["ticket_created", "ticket_updated", "ticket_assigned"]);
    expect(about(cb, queued.id)).toEqual([]);

    // A deletion reaches those who could see the ticket only.
    const removed = await api(`/api/support/tickets/${forB.id}`, { method: "DELETE", token: manager.token });
    expect(removed.status).toBe(200);
    await settle(owner.orgId, [ca, cb, cm]);
    expect(about(ca, forB.id)).toEqual([]);
    expect(cb.events.filter((e) => e.type === "ticket_updated" && e.data.ticket.id === forB.id).at(-1)!.data.deleted).toBe(true);
    ca.close();
    cb.close();
    cm.close();
  });

  it("sends a ticket moved out of an agent's team queue away from their board", async () => {
    const { owner, manager, a, b, teamId } = await restrictedDesk("ownevq");
    const queued = await openTicketVia(manager, { subject: "Queued", teamId });
    const ca = await eventOnly(owner.orgId, a.token);
    const cb = await eventOnly(owner.orgId, b.token);
    const other = await api("/api/support/teams", { token: owner.token, body: { name: "Tier 2", memberIds: [b.userId] } });
    const moved = await patch(manager, queued.id, { teamId: other.body.data.id });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await settle(owner.orgId, [ca, cb]);
    expect(about(ca, queued.id)).toEqual(["ticket_removed"]);
    expect(about(cb, queued.id)).toEqual(["ticket_updated"]);
    ca.close();
    cb.close();
  });
});
