import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publishEvent } from "../../../worker/platform/room-rpc";
import { addMember, api, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords } from "../../record-helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { joinRoom, openRoom, RoomClient, until } from "../../room-client";

const scored = (c: RoomClient, id: string) => c.events.filter((e) => e.type === "lead_scored" && e.data.record.id === id).map((e) => e.data);

/** A socket for a member restricted to their own records (no board sync to wait for). */
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

describe("lead_scored", () => {
  it("reaches only the members who may see the record", async () => {
    const owner = await registerAccount("scev");
    const manager = await addMember(owner, "manager");
    const ann = await addMember(owner, "agent", "ann");
    const bob = await addMember(owner, "agent", "bob");
    await restrictToOwnRecords(owner);
    const lead = await create("/api/leads", ann.token, { firstName: "Annie", lastName: "Lead" });
    const model = (await api(`/api/scoring/lead/${lead.id}`, { token: ann.token })).body.data.modelScore;
    const m = await joinRoom(owner.orgId, manager.token);
    const a = await connect(owner.orgId, ann.token);
    const b = await connect(owner.orgId, bob.token);

    const target = model === 99 ? 10 : 99;
    const res = await api(`/api/scoring/lead/${lead.id}/override`, { method: "PUT", token: manager.token, body: { score: target, reason: "Signed the NDA" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await until(() => scored(m, lead.id).length === 1 && scored(a, lead.id).length === 1, "the event to the manager and the owner");
    await settle(owner.orgId, [m, a, b]);
    expect(scored(b, lead.id)).toEqual([]);
    expect(scored(a, lead.id)[0]).toMatchObject({ record: { type: "lead", id: lead.id, title: "Annie Lead" }, score: target, previous: model, overridden: true });
    [m, a, b].forEach((c) => c.close());
  });
});

describe("score lists", () => {
  it("sorts and filters leads and deals by score, unscored last, and serves the board's scores", async () => {
    const owner = await registerAccount("sclist");
    const agent = await addMember(owner, "agent");
    const pipeline = await defaultPipeline(owner.orgId);
    const override = (type: string, id: string, score: number) =>
      api(`/api/scoring/${type}/${id}/override`, { method: "PUT", token: owner.token, body: { score, reason: "fixture" } });
    const leads = await Promise.all(["L30", "L90", "L60"].map((firstName) => create("/api/leads", owner.token, { firstName })));
    for (const [i, s] of [30, 90, 60].entries()) expect((await override("lead", leads[i].id, s)).status).toBe(200);
    const names = async (q: string) => (await api(`/api/leads?${q}`, { token: owner.token })).body.data.map((l: { firstName: string }) => l.firstName);
    expect(await names("sort=-score")).toEqual(["L90", "L60", "L30"]);
    expect(await names("sort=score")).toEqual(["L30", "L60", "L90"]);
    expect(await names("minScore=50&sort=-score")).toEqual(["L90", "L60"]);
    expect(await names("maxScore=60&sort=score")).toEqual(["L30", "L60"]);
    expect((await api("/api/leads?minScore=101", { token: owner.token })).status).toBe(400);

    const deal = async (title: string, token = owner.token) => (await api("/api/deals", { token, body: { title } })).body.data;
    const d20 = await deal("D20");
    const d80 = await deal("D80");
    const mine = await deal("Agent's", agent.token);
    expect((await override("deal", d20.id, 20)).status).toBe(200);
    expect((await override("deal", d80.id, 80)).status).toBe(200);
    const titles = async (q: string, token = owner.token) => (await api(`/api/deals?${q}`, { token })).body.data.map((d: { title: string }) => d.title);
    // The agent's deal may meanwhile be scored by the rules (a refresh after the writes); order holds either way.
    const rows = (await api("/api/deals?sort=-score", { token: owner.token })).body.data as { title: string; score: number | null }[];
    expect(rows[0]!.title).toBe("D80");
    const scores = rows.map((r) => r.score);
    const scoredPart = scores.filter((s) => s !== null) as number[];
    expect(scores).toEqual([...scoredPart, ...scores.filter((s) => s === null)]);
    expect(scoredPart).toEqual([...scoredPart].sort((x, y) => y - x));
    expect(rows.map((r) => r.title).indexOf("D20")).toBeGreaterThan(0);
    expect(await titles("minScore=50")).toEqual(["D80"]);
    const row = (await api("/api/deals?sort=-score", { token: owner.token })).body.data[0];
    expect(row).toMatchObject({ title: "D80", score: 80 });
    expect(row).toHaveProperty("scoreFactors");
    expect(row).toHaveProperty("scoreModel");

    const board = (await api(`/api/scoring/scores?type=deal&pipelineId=${pipeline.id}`, { token: owner.token })).body.data.items;
    expect(board[0]).toEqual({ id: d80.id, score: 80, overridden: true });
    expect(board).toContainEqual({ id: d20.id, score: 20, overridden: true });
    await restrictToOwnRecords(owner);
    const agents = (await api("/api/scoring/scores?type=deal", { token: agent.token })).body.data.items;
    expect(agents.every((i: { id: string }) => i.id === mine.id)).toBe(true);
  });
});
