import { abortAllDurableObjects, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addMember, api, registerAccount } from "../../helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { publishEvent } from "../../../worker/platform/room-rpc";
import { joinRoom, openRoom, RoomClient, until } from "../../room-client";

const cards = (c: RoomClient) => c.doc.getMap("deals") as Y.Map<Y.Map<unknown>>;

async function boardWithDeal(label: string) {
  const owner = await registerAccount(label);
  const pipeline = await defaultPipeline(owner.orgId);
  const deal = (await api("/api/deals", { token: owner.token, body: { title: "Board deal", amount: 1000 } })).body.data;
  return { owner, pipeline, deal };
}

async function d1Deal(id: string) {
  return env.DB.prepare("SELECT * FROM deals WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

/** Runs the room's projection alarm until the outbox is empty. */
async function drain(orgId: string) {
  const stub = env.ORG_ROOM.get(env.ORG_ROOM.idFromName(orgId));
  await runDurableObjectAlarm(stub);
}

describe("board document", () => {
  it("holds each open deal under the public contract fields", async () => {
    const { owner, deal } = await boardWithDeal("bshape");
    const c = await joinRoom(owner.orgId, owner.token);
    const card = cards(c).get(deal.id)!;
    expect(card).toBeInstanceOf(Y.Map);
    for (const field of ["title", "amount", "currency", "stageId", "pipelineId", "position", "ownerId", "updatedAt"]) {
      expect(card.has(field), field).toBe(true);
    }
    expect(card.get("title")).toBe("Board deal");
    c.close();
  });

  it("carries a REST move to every connected client", async () => {
    const { owner, pipeline, deal } = await boardWithDeal("brest");
    const a = await joinRoom(owner.orgId, owner.token);
    const target = pipeline.stages[2]!.id;
    await api("/api/kanban/move", { token: owner.token, body: { dealId: deal.id, stageId: target } });
    await until(() => cards(a).get(deal.id)?.get("stageId") === target, "REST move to reach the client");
    await until(() => a.events.some((e) => e.type === "deal_updated" && e.data.deal.id === deal.id), "deal_updated event");
    a.close();
  });

  it("converges two clients' concurrent moves without losing or duplicating the card", async () => {
    const { owner, pipeline, deal } = await boardWithDeal("bconc");
    const agent = await addMember(owner, "agent");
    const a = await joinRoom(owner.orgId, owner.token);
    const b = await joinRoom(owner.orgId, agent.token);
    cards(a).get(deal.id)!.set("stageId", pipeline.stages[1]!.id);
    cards(b).get(deal.id)!.set("stageId", pipeline.stages[3]!.id);
    await until(
      () => cards(a).get(deal.id)?.get("stageId") === cards(b).get(deal.id)?.get("stageId"),
      "both clients to agree",
    );
    expect(cards(a).size).toBe(1);
    expect(cards(b).size).toBe(1);
    await drain(owner.orgId);
    expect((await d1Deal(deal.id))!.stage_id).toBe(cards(a).get(deal.id)!.get("stageId"));
    a.close();
    b.close();
  });

  it("projects a client's edit to D1, where lists see it", async () => {
    const { owner, deal } = await boardWithDeal("bproj");
    const a = await joinRoom(owner.orgId, owner.token);
    const b = await joinRoom(owner.orgId, owner.token);
    cards(a).get(deal.id)!.set("amount", 777);
    cards(a).get(deal.id)!.set("title", "Renamed live");
    await until(() => cards(b).get(deal.id)?.get("title") === "Renamed live", "the edits to reach a peer");
    await drain(owner.orgId);
    const row = await d1Deal(deal.id);
    expect(row).toMatchObject({ amount: 777, title: "Renamed live" });
    expect(Number(row!.version)).toBeGreaterThan(0);
    const listed = await api("/api/deals?q=renamed", { token: owner.token });
    expect(listed.body.data.map((d: { id: string }) => d.id)).toEqual([deal.id]);
    a.close();
    b.close();
  });

  it("lets a client create a card offline-style, with its own id", async () => {
    const { owner, pipeline } = await boardWithDeal("bnew");
    const a = await joinRoom(owner.orgId, owner.token);
    const id = crypto.randomUUID();
    const now = Date.now();
    const card = new Y.Map<unknown>();
    Object.entries({
      title: "Made in the browser", amount: 50, currency: "USD", pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id,
      position: "a5", ownerId: owner.userId, contactId: null, companyId: null, leadId: null, closeDate: null, status: "open",
      lostReason: null, tags: [], createdBy: owner.userId, createdAt: now, updatedBy: owner.userId, updatedAt: now,
    }).forEach(([k, v]) => card.set(k, v));
    const b = await joinRoom(owner.orgId, owner.token);
    cards(a).set(id, card);
    await until(() => cards(b).has(id), "the card to reach a peer");
    await drain(owner.orgId);
    expect((await api(`/api/deals/${id}`, { token: owner.token })).body.data.title).toBe("Made in the browser");
    a.close();
    b.close();
  });
});

describe("board rules for Yjs clients", () => {
  async function rejected(c: RoomClient) {
    await until(() => c.events.some((e) => e.type === "notification" && e.data.code === "edit_rejected"), "a rejection");
    return c.events.find((e) => e.data?.code === "edit_rejected")!;
  }

  it("reverts a move to a stage of another pipeline and tells the author", async () => {
    const { owner, deal } = await boardWithDeal("brule1");
    const other = await boardWithDeal("brule1b");
    const a = await joinRoom(owner.orgId, owner.token);
    const original = cards(a).get(deal.id)!.get("stageId");
    cards(a).get(deal.id)!.set("stageId", other.pipeline.stages[0]!.id);
    const event = await rejected(a);
    expect(event.data).toMatchObject({ level: "error", dealId: deal.id });
    await until(() => cards(a).get(deal.id)!.get("stageId") === original, "the revert");
    a.close();
  });

  it("reverts wrong types, unknown fields and API-only fields", async () => {
    const { owner, deal } = await boardWithDeal("brule2");
    const a = await joinRoom(owner.orgId, owner.token);
    const card = cards(a).get(deal.id)!;
    card.set("amount", "a lot");
    await until(() => card.get("amount") === 1000, "amount revert");
    card.set("hacked", true);
    await until(() => !card.has("hacked"), "unknown field removal");
    card.set("contactId", "someone-elses-contact");
    await until(() => card.get("contactId") === null, "API-only field revert");
    cards(a).delete(deal.id);
    await until(() => cards(a).has(deal.id), "deleted card to come back");
    expect(a.events.filter((e) => e.data?.code === "edit_rejected").length).toBeGreaterThanOrEqual(4);
    a.close();
  });

  it("does not let an agent reassign a deal, but lets a manager", async () => {
    const { owner, deal } = await boardWithDeal("brule3");
    const agent = await addMember(owner, "agent");
    const manager = await addMember(owner, "manager");
    const a = await joinRoom(owner.orgId, agent.token);
    cards(a).get(deal.id)!.set("ownerId", agent.userId);
    await rejected(a);
    await until(() => cards(a).get(deal.id)!.get("ownerId") === owner.userId, "owner revert");
    const m = await joinRoom(owner.orgId, manager.token);
    cards(m).get(deal.id)!.set("ownerId", agent.userId);
    await until(() => cards(a).get(deal.id)!.get("ownerId") === agent.userId, "reassignment to reach the agent");
    await drain(owner.orgId);
    expect((await d1Deal(deal.id))!.owner_id).toBe(agent.userId);
    expect(m.events.some((e) => e.data?.code === "edit_rejected")).toBe(false);
    a.close();
    m.close();
  });

  it("never sends the shared board to an agent restricted to their own records, only their own deals' events", async () => {
    const { owner, deal } = await boardWithDeal("brls");
    const agent = await addMember(owner, "agent");
    await api("/api/organizations/current", { method: "PATCH", token: owner.token, body: { settings: { recordVisibility: "own" } } });
    const res = await openRoom(owner.orgId, agent.token);
    expect(res.status).toBe(101);
    const restricted = new RoomClient(res.webSocket!);
    const mine = (await api("/api/deals", { token: agent.token, body: { title: "Agent's own" } })).body.data;
    await api(`/api/deals/${deal.id}`, { method: "PATCH", token: owner.token, body: { amount: 1 } });
    await publishEvent(env, owner.orgId, "notification", { title: "marker" } as never);
    await until(() => restricted.events.some((e) => e.data?.title === "marker"), "the marker event");
    const dealEvents = restricted.events.filter((e) => e.type === "deal_updated").map((e) => e.data.deal.id);
    expect(dealEvents).toEqual([mine.id]);
    expect(restricted.synced).toBe(false);
    expect(cards(restricted).size).toBe(0);
    restricted.close();
  });
});

describe("board persistence", () => {
  it("keeps the board and the pending projection across a crash", async () => {
    const { owner, deal } = await boardWithDeal("bcrash");
    const a = await joinRoom(owner.orgId, owner.token);
    const b = await joinRoom(owner.orgId, owner.token);
    cards(a).get(deal.id)!.set("amount", 4242);
    await until(() => cards(b).get(deal.id)?.get("amount") === 4242, "edit acknowledged by fan-out");
    await abortAllDurableObjects();
    const fresh = await joinRoom(owner.orgId, owner.token);
    expect(cards(fresh).get(deal.id)!.get("amount")).toBe(4242);
    await drain(owner.orgId);
    expect((await d1Deal(deal.id))!.amount).toBe(4242);
    fresh.close();
  });
});
