import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { restrictToOwnRecords } from "../../record-helpers";
import { applyAll, callSid, createProvider, setStatus } from "../../telephony-helpers";

const S = 1000;
/** 2026-11-20 09:00 and 14:00 in New York (UTC-5 in November). */
const NY_9AM = Date.UTC(2026, 10, 20, 14, 0, 0);
const NY_2PM = Date.UTC(2026, 10, 20, 19, 0, 0);

async function seed(label: string) {
  const owner = await registerAccount(label);
  await api("/api/organizations/current", { method: "PATCH", token: owner.token, body: { settings: { timeZone: "America/New_York" } } });
  const ann = await addMember(owner, "agent", `${label}ann`);
  const bob = await addMember(owner, "agent", `${label}bob`);
  const provider = await createProvider(owner);
  const sales = (await api("/api/telephony/queues", { token: owner.token, body: { name: "Sales" } })).body.data;
  const support = (await api("/api/telephony/queues", { token: owner.token, body: { name: "Support" } })).body.data;
  const call = (at: number, steps: [any, number][], extra: Record<string, unknown>) =>
    applyAll(owner.orgId, { providerId: provider.id, providerCallId: callSid(), direction: "inbound", from: "+14155550190", to: "+14155550100", ...extra }, steps.map(([s, dt]) => [s, at + dt * S]));
  // Ann, Sales, 9am: answered after 10 s, 60 s talk; answered after 20 s, 120 s talk.
  await call(NY_9AM, [["ringing", 0], ["in_progress", 10], ["completed", 70]], { agentUserId: ann.userId, queueId: sales.id });
  await call(NY_9AM + 600 * S, [["ringing", 0], ["in_progress", 20], ["completed", 140]], { agentUserId: ann.userId, queueId: sales.id });
  // Ann, Sales, 9am: missed after 30 s.
  await call(NY_9AM + 1200 * S, [["ringing", 0], ["no_answer", 30]], { agentUserId: ann.userId, queueId: sales.id });
  // Bob, Support, 2pm: answered after 5 s, then 40 s of which 10 s on hold (30 s talk).
  const bobs = await call(NY_2PM, [["ringing", 0], ["in_progress", 5], ["on_hold", 15], ["resumed", 25], ["completed", 45]], { agentUserId: bob.userId, queueId: support.id });
  // Outside the period (the next day).
  await call(NY_2PM + 86_400 * S, [["ringing", 0], ["in_progress", 1], ["completed", 11]], { agentUserId: bob.userId, queueId: support.id });
  return { owner, ann, bob, sales, support, provider, bobs };
}

describe("telephony analytics", () => {
  it("computes volume, answered vs missed, wait, talk and handle time over a period", async () => {
    const { owner } = await seed("tan");
    const res = await api("/api/telephony/analytics?from=2026-11-20&to=2026-11-20", { token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.timeZone).toBe("America/New_York");
    expect(res.body.data.from).toBe(Date.UTC(2026, 10, 20, 5));
    expect(res.body.data.to).toBe(Date.UTC(2026, 10, 21, 5));
    expect(res.body.data.totals).toEqual({
      total: 4,
      answered: 3,
      missed: 1,
      inbound: 4,
      outbound: 0,
      answerRate: 0.75,
      avgWaitSeconds: 16.3, // (10 + 20 + 30 + 5) / 4
      avgTalkSeconds: 70, // (60 + 120 + 30) / 3
      avgHoldSeconds: 3.3, // 10 / 3
      avgHandleSeconds: 73.3, // (210 talk + 10 hold) / 3
      totalTalkSeconds: 210,
    });
  });

  it("groups by agent, queue and hour of day in the organization's time zone", async () => {
    const { owner, ann, bob, sales, support } = await seed("tangrp");
    const q = "from=2026-11-20&to=2026-11-20";
    const byAgent = (await api(`/api/telephony/analytics?${q}&groupBy=agent`, { token: owner.token })).body.data.groups;
    expect(byAgent.map((g: any) => [g.key, g.total, g.answered, g.missed, g.avgTalkSeconds])).toEqual([
      [ann.userId, 3, 2, 1, 90],
      [bob.userId, 1, 1, 0, 30],
    ]);
    expect(byAgent[0].label).toBe("tangrpann person");
    expect(byAgent[1]).toMatchObject({ avgHoldSeconds: 10, avgHandleSeconds: 40, avgWaitSeconds: 5 });

    const byQueue = (await api(`/api/telephony/analytics?${q}&groupBy=queue`, { token: owner.token })).body.data.groups;
    expect(byQueue.map((g: any) => [g.key, g.label, g.total, g.avgWaitSeconds])).toEqual([
      [sales.id, "Sales", 3, 20],
      [support.id, "Support", 1, 5],
    ]);

    const byHour = (await api(`/api/telephony/analytics?${q}&groupBy=hour`, { token: owner.token })).body.data.groups;
    expect(byHour).toHaveLength(24);
    const busy = byHour.filter((g: any) => g.total > 0).map((g: any) => [g.hour, g.label, g.total, g.answered]);
    expect(busy).toEqual([
      [9, "09:00", 3, 2],
      [14, "14:00", 1, 1],
    ]);
  });

  it("counts wrap-up in handle time, limits agents to their own calls when records are restricted, and rejects bad ranges", async () => {
    const { owner, ann, bob, bobs } = await seed("tanown");
    await api(`/api/telephony/calls/${bobs.call.id}`, { method: "PATCH", token: bob.token, body: { disposition: "sale" } });
    const after = (await api(`/api/telephony/calls/${bobs.call.id}`, { token: owner.token })).body.data;
    const q = "from=2026-11-20&to=2026-11-20&groupBy=agent";
    const bobGroup = (await api(`/api/telephony/analytics?${q}`, { token: owner.token })).body.data.groups.find((g: any) => g.key === bob.userId);
    expect(bobGroup.avgHandleSeconds).toBe(40 + after.wrapUpSeconds);

    await restrictToOwnRecords(owner);
    const annView = (await api(`/api/telephony/analytics?${q}`, { token: ann.token })).body.data;
    expect(annView.totals.total).toBe(3);
    expect(annView.groups.map((g: any) => g.key)).toEqual([ann.userId]);
    expect((await api(`/api/telephony/analytics?${q}`, { token: owner.token })).body.data.totals.total).toBe(4);

    const stranger = await registerAccount("tanx");
    expect((await api(`/api/telephony/analytics?${q}`, { token: stranger.token })).body.data.totals.total).toBe(0);
    for (const bad of ["from=2026-11-21&to=2026-11-20", "groupBy=week", "from=soon", "from=2020-01-01&to=2026-01-01"]) {
      expectError(await api(`/api/telephony/analytics?${bad}`, { token: owner.token }), 400, "validation_error");
    }
  });
});

describe("live board", () => {
  it("shows active calls, callers waiting per queue and agent states", async () => {
    const owner = await registerAccount("tlive");
    const agent = await addMember(owner, "agent");
    await addMember(owner, "viewer");
    const provider = await createProvider(owner);
    const queue = (await api("/api/telephony/queues", { token: owner.token, body: { name: "Live", members: [{ userId: agent.userId }] } })).body.data;
    await setStatus(agent, "available");
    const now = Date.now();
    const base = { providerId: provider.id, direction: "inbound" as const, to: "+14155550100", queueId: queue.id };
    const waiting = await applyAll(owner.orgId, { ...base, providerCallId: callSid(), from: "+14155550191" }, [["queued", now - 30 * S]]);
    const talking = await applyAll(owner.orgId, { ...base, providerCallId: callSid(), from: "+14155550192", agentUserId: agent.userId }, [
      ["queued", now - 60 * S],
      ["in_progress", now - 50 * S],
    ]);
    await applyAll(owner.orgId, { ...base, providerCallId: callSid(), from: "+14155550193" }, [["queued", now - 90 * S], ["canceled", now - 80 * S]]);

    const live = (await api("/api/telephony/live", { token: owner.token })).body.data;
    expect(live.activeCalls.map((c: any) => c.id)).toEqual([talking.call.id, waiting.call.id]);
    expect(live.queues).toEqual([expect.objectContaining({ id: queue.id, name: "Live", waiting: 1 })]);
    expect(live.queues[0].longestWaitSeconds).toBeGreaterThanOrEqual(30);
    const agentRow = live.agents.find((a: any) => a.userId === agent.userId);
    expect(agentRow).toMatchObject({ status: "busy", activeCallId: talking.call.id });
    expect(live.agents.some((a: any) => a.role === "viewer")).toBe(false);
  });
});
