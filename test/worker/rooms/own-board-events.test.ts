import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { publishEvent } from "../../../worker/platform/room-rpc";
import { addMember, api, registerAccount } from "../../helpers";
import { restrictToOwnRecords } from "../../record-helpers";
import { joinRoom, openRoom, RoomClient, until } from "../../room-client";

/** An event-only room socket, as an agent restricted to their own records gets. */
async function eventOnly(orgId: string, token: string) {
  const res = await openRoom(orgId, token);
  expect(res.status).toBe(101);
  return new RoomClient(res.webSocket!);
}

const removed = (c: RoomClient, id: string) => c.events.some((e) => e.type === "deal_removed" && e.data.id === id);
const updated = (c: RoomClient, id: string) => c.events.filter((e) => e.type === "deal_updated" && e.data.deal.id === id);

async function restrictedOrg(label: string) {
  const owner = await registerAccount(label);
  const manager = await addMember(owner, "manager");
  const agent = await addMember(owner, "agent");
  const bystander = await addMember(owner, "agent", "bystander");
  await restrictToOwnRecords(owner);
  return { owner, manager, agent, bystander };
}

describe("an agent's own-records board follows reassignments live", () => {
  it("drops a deal reassigned away through REST and adds one assigned to them", async () => {
    const { owner, manager, agent, bystander } = await restrictedOrg("ownrest");
    const mine = (await api("/api/deals", { token: agent.token, body: { title: "Leaving" } })).body.data;
    const theirs = (await api("/api/deals", { token: manager.token, body: { title: "Arriving" } })).body.data;
    const a = await eventOnly(owner.orgId, agent.token);
    const b = await eventOnly(owner.orgId, bystander.token);

    const away = await api(`/api/deals/${mine.id}`, { method: "PATCH", token: manager.token, body: { ownerId: manager.userId } });
    expect(away.status, JSON.stringify(away.body)).toBe(200);
    await until(() => removed(a, mine.id), "deal_removed for the deal reassigned away");
    const event = a.events.find((e) => e.type === "deal_removed")!;
    expect(event.data).toMatchObject({ id: mine.id, pipelineId: mine.pipelineId, reason: "reassigned", by: manager.userId });

    await api(`/api/deals/${theirs.id}`, { method: "PATCH", token: manager.token, body: { ownerId: agent.userId } });
    await until(() => updated(a, theirs.id).length > 0, "the deal assigned to the agent");
    expect(updated(a, theirs.id).at(-1)!.data.deal).toMatchObject({ id: theirs.id, ownerId: agent.userId, title: "Arriving" });

    // Edits to a deal that is not yours, and removals of deals you never had, do not reach you.
    await api(`/api/deals/${mine.id}`, { method: "PATCH", token: manager.token, body: { amount: 5 } });
    await publishEvent(env, owner.orgId, "notification", { title: "marker" } as never);
    await until(() => a.events.some((e) => e.data?.title === "marker") && b.events.some((e) => e.data?.title === "marker"), "markers");
    expect(updated(a, mine.id)).toHaveLength(0);
    expect(b.events.some((e) => e.type === "deal_removed" || e.type === "deal_updated")).toBe(false);
    a.close();
    b.close();
  });

  it("drops a deal a manager reassigns on the board, and one deleted", async () => {
    const { owner, manager, agent } = await restrictedOrg("ownyjs");
    const one = (await api("/api/deals", { token: agent.token, body: { title: "One" } })).body.data;
    const two = (await api("/api/deals", { token: agent.token, body: { title: "Two" } })).body.data;
    const a = await eventOnly(owner.orgId, agent.token);
    const m = await joinRoom(owner.orgId, manager.token);

    (m.doc.getMap("deals") as Y.Map<Y.Map<unknown>>).get(one.id)!.set("ownerId", manager.userId);
    await until(() => removed(a, one.id), "deal_removed after a board reassignment");

    const del = await api(`/api/deals/${two.id}`, { method: "DELETE", token: owner.token });
    expect(del.status).toBeLessThan(300);
    await until(() => removed(a, two.id), "deal_removed after a delete");
    expect(a.events.find((e) => e.type === "deal_removed" && e.data.id === two.id)!.data.reason).toBe("deleted");
    a.close();
    m.close();
  });
});
