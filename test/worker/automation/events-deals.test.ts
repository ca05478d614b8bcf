import { abortAllDurableObjects, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { joinRoom, until, type RoomClient } from "../../room-client";
import { domainEvents, typesOf, waitForDomainEvents } from "./events-fixture";

const cards = (c: RoomClient) => c.doc.getMap("deals") as Y.Map<Y.Map<unknown>>;

async function dealIn(label: string) {
  const owner = await registerAccount(label);
  const pipeline = await defaultPipeline(owner.orgId);
  const res = await api("/api/deals", { token: owner.token, body: { title: "Evented deal", amount: 1000, stageId: pipeline.stages[0]!.id } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { owner, pipeline, deal: res.body.data };
}

/** Runs the room's alarm, which drains its outboxes. */
const drainRoom = (orgId: string) => runDurableObjectAlarm(env.ORG_ROOM.get(env.ORG_ROOM.idFromName(orgId)));

describe("domain events of deals", () => {
  it("raises created in the REST shape, updated with previous, and deleted", async () => {
    const { owner, deal } = await dealIn("evd");
    const patched = await api(`/api/deals/${deal.id}`, { method: "PATCH", token: owner.token, body: { amount: 2500 } });
    expect(patched.status).toBe(200);
    expect((await api(`/api/deals/${deal.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    const events = await waitForDomainEvents(owner.orgId, 3);
    expect(typesOf(events)).toEqual(["deal.created", "deal.updated", "deal.deleted"]);
    expect(events[0]!.record).toEqual(deal);
    expect(events[1]).toMatchObject({ actorId: owner.userId, record: patched.body.data, previous: { amount: 1000 }, origin: null });
    expect(events[1]!.changed).toEqual(expect.arrayContaining(["amount"]));
    expect(events[1]!.changed).not.toContain("stageId");
    expect(events[2]!.record).toMatchObject({ id: deal.id, amount: 2500 });
  });

  it("raises deal.stage_entered on a REST move and a stage change by PATCH, not on creation", async () => {
    const { owner, pipeline, deal } = await dealIn("evdm");
    const [s0, s1, s2] = pipeline.stages;
    expect((await api("/api/kanban/move", { token: owner.token, body: { dealId: deal.id, stageId: s1!.id } })).status).toBe(200);
    expect((await api(`/api/deals/${deal.id}`, { method: "PATCH", token: owner.token, body: { stageId: s2!.id } })).status).toBe(200);
    const events = await waitForDomainEvents(owner.orgId, 5);
    expect(typesOf(events).sort()).toEqual(["deal.created", "deal.stage_entered", "deal.stage_entered", "deal.updated", "deal.updated"]);
    const entered = events.filter((e) => e.type === "deal.stage_entered").map((e) => e.context);
    expect(entered).toEqual([
      { stageId: s1!.id, pipelineId: pipeline.id, previousStageId: s0!.id },
      { stageId: s2!.id, pipelineId: pipeline.id, previousStageId: s1!.id },
    ]);
    const moved = events.find((e) => e.type === "deal.updated")!;
    expect(moved.previous).toMatchObject({ stageId: s0!.id });
    expect(moved.record).toMatchObject({ stageId: s1!.id });
  });

  it("raises deal.updated and deal.stage_entered for a board edit made live in the room", async () => {
    const { owner, pipeline, deal } = await dealIn("evdb");
    const a = await joinRoom(owner.orgId, owner.token);
    cards(a).get(deal.id)!.set("stageId", pipeline.stages[3]!.id);
    await drainRoom(owner.orgId);
    const events = await waitForDomainEvents(owner.orgId, 3);
    expect(typesOf(events).sort()).toEqual(["deal.created", "deal.stage_entered", "deal.updated"]);
    expect(events.find((e) => e.type === "deal.stage_entered")).toMatchObject({
      actorId: owner.userId,
      context: { stageId: pipeline.stages[3]!.id, previousStageId: pipeline.stages[0]!.id, pipelineId: pipeline.id },
    });
    expect(events.find((e) => e.type === "deal.updated")!.changed).toContain("stageId");
    a.close();
  });

  it("keeps an acknowledged board edit's event across a restart of the room", async () => {
    const { owner, deal } = await dealIn("evdr");
    await waitForDomainEvents(owner.orgId, 1);
    const a = await joinRoom(owner.orgId, owner.token);
    const b = await joinRoom(owner.orgId, owner.token);
    cards(a).get(deal.id)!.set("amount", 4242);
    await until(() => cards(b).get(deal.id)?.get("amount") === 4242, "edit acknowledged by fan-out");
    await abortAllDurableObjects();
    await drainRoom(owner.orgId);
    const events = await waitForDomainEvents(owner.orgId, 2);
    expect(typesOf(events)).toEqual(["deal.created", "deal.updated"]);
    expect(events[1]).toMatchObject({ record: { amount: 4242 }, previous: { amount: 1000 } });
  });

  it("raises no event for a rejected board edit or refused REST changes", async () => {
    const { owner, pipeline, deal } = await dealIn("evdx");
    const viewer = await addMember(owner, "viewer");
    const stranger = await registerAccount("evdx2");
    await waitForDomainEvents(owner.orgId, 1);
    expectError(await api(`/api/deals/${deal.id}`, { method: "PATCH", token: viewer.token, body: { amount: 1 } }), 403, "forbidden");
    expectError(await api(`/api/deals/${deal.id}`, { method: "PATCH", token: stranger.token, body: { amount: 1 } }), 404, "not_found");
    expectError(await api(`/api/deals/${deal.id}`, { method: "DELETE", token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/deals/${deal.id}`, { method: "PATCH", token: owner.token, body: { stageId: "no-such-stage" } }), 400, "validation_error");
    const a = await joinRoom(owner.orgId, owner.token);
    cards(a).get(deal.id)!.set("contactId", "someone-elses-contact");
    await until(() => a.events.some((e) => e.type === "notification" && e.data.code === "edit_rejected"), "the rejection");
    a.close();
    const marker = (await api("/api/deals", { token: owner.token, body: { title: "Marker", stageId: pipeline.stages[0]!.id } })).body.data;
    const events = await waitForDomainEvents(owner.orgId, 2);
    expect(typesOf(events)).toEqual(["deal.created", "deal.created"]);
    expect(events[1]!.entityId).toBe(marker.id);
    expect(await domainEvents(stranger.orgId)).toEqual([]);
  });
});
