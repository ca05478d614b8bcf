import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publishEvent } from "../../../worker/platform/room-rpc";
import { addMember, api, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords } from "../../record-helpers";
import { joinRoom, openRoom, RoomClient, until } from "../../room-client";

const changes = (c: RoomClient, id: string) =>
  c.events.filter((e) => e.type === "activity_changed" && e.data.activity.id === id).map((e) => e.data);

async function connect(orgId: string, token: string) {
  const res = await openRoom(orgId, token);
  expect(res.status).toBe(101);
  return new RoomClient(res.webSocket!);
}

/** Waits until every client has a marker event, so anything sent before it has arrived. */
async function settle(orgId: string, clients: RoomClient[]) {
  const title = crypto.randomUUID();
  await publishEvent(env, orgId, "notification", { title } as never);
  await until(() => clients.every((c) => c.events.some((e) => e.data?.title === title)), "the marker");
}

describe("activity_changed", () => {
  it("tells members when an activity is created, updated and deleted, with what timelines need", async () => {
    const owner = await registerAccount("actev");
    const agent = await addMember(owner, "agent");
    const contact = await create("/api/contacts", owner.token, { firstName: "Tim" });
    const deal = (await api("/api/deals", { token: owner.token, body: { title: "Timeline deal", contactId: contact.id } })).body.data;
    const a = await joinRoom(owner.orgId, owner.token);
    const b = await joinRoom(owner.orgId, agent.token);

    const note = await create("/api/activities", agent.token, { type: "note", subject: "Called Tim", dealId: deal.id, contactId: contact.id });
    await until(() => changes(a, note.id).length === 1 && changes(b, note.id).length === 1, "the created event");
    expect(changes(a, note.id)[0]).toMatchObject({
      action: "created",
      by: agent.userId,
      activity: { id: note.id, subject: "Called Tim", type: "note", dealId: deal.id, contactId: contact.id, ownerId: agent.userId },
    });

    await api(`/api/activities/${note.id}`, { method: "PATCH", token: agent.token, body: { subject: "Called Tim back" } });
    await until(() => changes(a, note.id).length === 2, "the updated event");
    expect(changes(a, note.id)[1]).toMatchObject({ action: "updated", activity: { subject: "Called Tim back" } });

    // A PATCH that changes nothing is not news.
    await api(`/api/activities/${note.id}`, { method: "PATCH", token: agent.token, body: { subject: "Called Tim back" } });
    await api(`/api/activities/${note.id}`, { method: "DELETE", token: owner.token });
    await until(() => changes(a, note.id).length === 3, "the deleted event");
    const deleted = changes(a, note.id)[2];
    expect(deleted).toEqual({ action: "deleted", by: owner.userId, activity: { id: note.id, dealId: deal.id, contactId: contact.id, leadId: null, companyId: null } });
    a.close();
    b.close();
  });

  it("sends an activity only to members who may see it when agents see only their own records", async () => {
    const owner = await registerAccount("actevown");
    const manager = await addMember(owner, "manager");
    const ann = await addMember(owner, "agent", "ann");
    const bob = await addMember(owner, "agent", "bob");
    await restrictToOwnRecords(owner);
    const m = await joinRoom(owner.orgId, manager.token);
    const a = await connect(owner.orgId, ann.token);
    const b = await connect(owner.orgId, bob.token);

    const task = await create("/api/activities", manager.token, { type: "task", subject: "Secret plan", ownerId: ann.userId });
    await until(() => changes(m, task.id).length === 1 && changes(a, task.id).length === 1, "the event to the manager and the owner");
    await settle(owner.orgId, [m, a, b]);
    expect(changes(b, task.id)).toEqual([]);
    expect(changes(a, task.id)[0].activity.subject).toBe("Secret plan");

    // Reassigned: the new owner gets it whole; the former owner only learns it left their view.
    const moved = await api(`/api/activities/${task.id}`, { method: "PATCH", token: manager.token, body: { ownerId: bob.userId } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await until(() => changes(b, task.id).length === 1 && changes(a, task.id).length === 2, "the reassignment events");
    expect(changes(b, task.id)[0]).toMatchObject({ action: "updated", activity: { subject: "Secret plan", ownerId: bob.userId } });
    expect(changes(a, task.id)[1]).toEqual({ action: "removed", by: manager.userId, activity: { id: task.id, dealId: null, contactId: null, leadId: null, companyId: null } });
    [m, a, b].forEach((c) => c.close());
  });
});
