import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { orgRoom } from "../../../worker/platform/room-rpc";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { defaultPipeline } from "../../pipeline-fixture";

async function setup(label: string) {
  const owner = await registerAccount(label);
  const pipeline = await defaultPipeline(owner.orgId);
  return { owner, pipeline };
}

describe("deals REST", () => {
  it("creates a deal in the default pipeline's first stage and answers it as stored", async () => {
    const { owner, pipeline } = await setup("dcreate");
    const res = await api("/api/deals", { token: owner.token, body: { title: "Acme renewal", amount: 12000, currency: "EUR" } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const deal = res.body.data;
    expect(deal).toMatchObject({
      title: "Acme renewal", amount: 12000, currency: "EUR", pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id,
      status: "open", ownerId: owner.userId, contactId: null, companyId: null,
    });
    expect(deal.position).toMatch(/^[0-9A-Za-z]+$/);
    const got = await api(`/api/deals/${deal.id}`, { token: owner.token });
    // The detail is the card plus its score (the board's card never has one).
    expect(got.body.data).toMatchObject(deal);
    expect(Object.keys(got.body.data).sort()).toEqual([...Object.keys(deal), "score", "scoreFactors", "scoreModel", "scoreOverridden"].sort());
    const list = await api(`/api/deals?pipelineId=${pipeline.id}`, { token: owner.token });
    expect(list.body.meta.total).toBe(1);
  });

  it("validates fields and links, naming each bad field", async () => {
    const { owner, pipeline } = await setup("dval");
    const bad = await api("/api/deals", { token: owner.token, body: { title: "", amount: -5, currency: "euro" } });
    expectError(bad, 400, "validation_error");
    expect(Object.keys(bad.body.error.details)).toEqual(expect.arrayContaining(["title", "amount", "currency"]));
    const other = await setup("dval2");
    const crossStage = await api("/api/deals", { token: owner.token, body: { title: "X", pipelineId: pipeline.id, stageId: other.pipeline.stages[1]!.id } });
    expectError(crossStage, 400, "validation_error");
    expect(crossStage.body.error.details).toHaveProperty("stageId");
    const badOwner = await api("/api/deals", { token: owner.token, body: { title: "X", ownerId: other.owner.userId } });
    expectError(badOwner, 400, "validation_error");
  });

  it("updates through the room: the board and the projection agree", async () => {
    const { owner, pipeline } = await setup("dupd");
    const created = (await api("/api/deals", { token: owner.token, body: { title: "Globex" } })).body.data;
    const res = await api(`/api/deals/${created.id}`, { method: "PATCH", token: owner.token, body: { amount: 5000, stageId: pipeline.stages[2]!.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ amount: 5000, stageId: pipeline.stages[2]!.id });
    const room = await orgRoom(env, owner.orgId);
    expect(await room.boardDeal(created.id)).toMatchObject({ amount: 5000, stageId: pipeline.stages[2]!.id });
    expect((await api(`/api/deals/${created.id}`, { token: owner.token })).body.data.amount).toBe(5000);
  });

  it("takes a closed deal off the board but keeps it in D1", async () => {
    const { owner } = await setup("dwon");
    const created = (await api("/api/deals", { token: owner.token, body: { title: "Initech" } })).body.data;
    const won = await api(`/api/deals/${created.id}`, { method: "PATCH", token: owner.token, body: { status: "won" } });
    expect(won.body.data.status).toBe("won");
    const room = await orgRoom(env, owner.orgId);
    expect(await room.boardDeal(created.id)).toBeNull();
    expect((await api(`/api/deals/${created.id}`, { token: owner.token })).body.data.status).toBe("won");
    const reopened = await api(`/api/deals/${created.id}`, { method: "PATCH", token: owner.token, body: { status: "open" } });
    expect(reopened.body.data.status).toBe("open");
    expect(await room.boardDeal(created.id)).toMatchObject({ title: "Initech" });
  });

  it("checks roles and hides other organizations' deals", async () => {
    const { owner } = await setup("droles");
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const deal = (await api("/api/deals", { token: owner.token, body: { title: "Roles" } })).body.data;
    expect((await api(`/api/deals/${deal.id}`, { token: viewer.token })).status).toBe(200);
    expectError(await api("/api/deals", { token: viewer.token, body: { title: "No" } }), 403, "forbidden");
    expectError(await api(`/api/deals/${deal.id}`, { method: "PATCH", token: viewer.token, body: { amount: 1 } }), 403, "forbidden");
    expectError(await api(`/api/deals/${deal.id}`, { method: "DELETE", token: agent.token }), 403, "forbidden");
    const stranger = await setup("dstranger");
    expectError(await api(`/api/deals/${deal.id}`, { token: stranger.owner.token }), 404, "not_found");
    expectError(await api(`/api/deals/${deal.id}`, { method: "PATCH", token: stranger.owner.token, body: { amount: 1 } }), 404, "not_found");
    expectError(await api(`/api/deals/${deal.id}`, { method: "DELETE", token: stranger.owner.token }), 404, "not_found");
    expectError(await api("/api/kanban/move", { token: stranger.owner.token, body: { dealId: deal.id, stageId: stranger.pipeline.stages[0]!.id } }), 404, "not_found");
    expect((await api(`/api/deals/${deal.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api(`/api/deals/${deal.id}`, { token: owner.token }), 404, "not_found");
  });

  it("lets agents see only their own deals when the organization says so", async () => {
    const { owner } = await setup("drls");
    const agent = await addMember(owner, "agent");
    const mine = (await api("/api/deals", { token: agent.token, body: { title: "Agent's" } })).body.data;
    const theirs = (await api("/api/deals", { token: owner.token, body: { title: "Owner's" } })).body.data;
    await api("/api/organizations/current", { method: "PATCH", token: owner.token, body: { settings: { recordVisibility: "own" } } });
    const list = await api("/api/deals", { token: agent.token });
    expect(list.body.data.map((d: { id: string }) => d.id)).toEqual([mine.id]);
    expectError(await api(`/api/deals/${theirs.id}`, { token: agent.token }), 404, "not_found");
    expect((await api("/api/deals", { token: owner.token })).body.meta.total).toBe(2);
  });

  it("searches titles literally: % and _ are characters, not wildcards", async () => {
    const { owner } = await setup("dlike");
    for (const title of ["50% off renewal", "Plain renewal", "Back\\slash deal"]) {
      expect((await api("/api/deals", { token: owner.token, body: { title } })).status).toBe(201);
    }
    const titles = async (q: string) =>
      (await api(`/api/deals?q=${encodeURIComponent(q)}`, { token: owner.token })).body.data.map((d: { title: string }) => d.title);
    expect(await titles("%")).toEqual(["50% off renewal"]);
    expect(await titles("_")).toEqual([]);
    expect(await titles("\\")).toEqual(["Back\\slash deal"]);
    expect(await titles("renewal")).toHaveLength(2);
  });
});

describe("kanban", () => {
  it("answers the board with ordered cards and stage totals", async () => {
    const { owner, pipeline } = await setup("kboard");
    const s0 = pipeline.stages[0]!;
    for (const [title, amount] of [["A", 100], ["B", 300]] as const) {
      await api("/api/deals", { token: owner.token, body: { title, amount, stageId: s0.id } });
    }
    const board = await api(`/api/kanban/${pipeline.id}`, { token: owner.token });
    expect(board.status).toBe(200);
    const first = board.body.data.stages[0];
    expect(first.deals.map((d: { title: string }) => d.title)).toEqual(["A", "B"]);
    expect(first.totals).toEqual({ count: 2, amount: 400, weightedAmount: 400 * s0.probability / 100 });
    expect(board.body.data.stages).toHaveLength(pipeline.stages.length);
  });

  it("moves a card to a stage at an index", async () => {
    const { owner, pipeline } = await setup("kmove");
    const [s0, s1] = pipeline.stages;
    const ids: string[] = [];
    for (const title of ["one", "two", "three"]) {
      ids.push((await api("/api/deals", { token: owner.token, body: { title, stageId: s1!.id } })).body.data.id);
    }
    const mover = (await api("/api/deals", { token: owner.token, body: { title: "mover", stageId: s0!.id } })).body.data;
    const moved = await api("/api/kanban/move", { token: owner.token, body: { dealId: mover.id, stageId: s1!.id, position: 1 } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    const board = await api(`/api/kanban/${pipeline.id}`, { token: owner.token });
    expect(board.body.data.stages[1].deals.map((d: { title: string }) => d.title)).toEqual(["one", "mover", "two", "three"]);
    expect(board.body.data.stages[0].deals).toHaveLength(0);
    expectError(await api("/api/kanban/move", { token: owner.token, body: { dealId: mover.id, stageId: "nope" } }), 400, "validation_error");
  });
});
