import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { applyCallEvent } from "../../../worker/telephony/calls";
import { selectAgents, type QueueMemberState } from "../../../worker/telephony/queues/queue-strategy";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { callSid, createProvider, setStatus } from "../../telephony-helpers";

const member = (userId: string, status: QueueMemberState["status"], priority = 0, idleSince: number | null = null): QueueMemberState => ({
  userId,
  status,
  priority,
  idleSince,
});

describe("queue strategy selection", () => {
  const members = [member("a", "available", 1, 3000), member("b", "busy", 0), member("c", "available", 0, 5000), member("d", "available", 2, 1000), member("e", "away", 0)];

  it("ring_all rings every available member, by priority", () => {
    expect(selectAgents({ strategy: "ring_all", members })).toEqual(["c", "a", "d"]);
    expect(selectAgents({ strategy: "ring_all", members, exclude: ["a"] })).toEqual(["c", "d"]);
  });

  it("round_robin rings the next available member after the last one served, wrapping around", () => {
    // Cycle by priority: b(0) c(0) e(0) a(1) d(2).
    expect(selectAgents({ strategy: "round_robin", members })).toEqual(["c"]);
    expect(selectAgents({ strategy: "round_robin", members, lastAssignedUserId: "c" })).toEqual(["a"]);
    expect(selectAgents({ strategy: "round_robin", members, lastAssignedUserId: "a" })).toEqual(["d"]);
    expect(selectAgents({ strategy: "round_robin", members, lastAssignedUserId: "d" })).toEqual(["c"]);
    // A cursor on someone no longer in the queue starts from the top.
    expect(selectAgents({ strategy: "round_robin", members, lastAssignedUserId: "gone" })).toEqual(["c"]);
    expect(selectAgents({ strategy: "round_robin", members, lastAssignedUserId: "c", exclude: ["a"] })).toEqual(["d"]);
  });

  it("longest_idle rings the available member idle the longest", () => {
    expect(selectAgents({ strategy: "longest_idle", members })).toEqual(["d"]);
    expect(selectAgents({ strategy: "longest_idle", members, exclude: ["d"] })).toEqual(["a"]);
    expect(selectAgents({ strategy: "longest_idle", members: [member("x", "available", 0, null), member("y", "available", 5, 10)] })).toEqual(["y"]);
  });

  it("rings nobody when nobody is available", () => {
    for (const strategy of ["ring_all", "round_robin", "longest_idle"] as const) {
      expect(selectAgents({ strategy, members: [member("b", "busy"), member("w", "wrap_up"), member("o", "offline")] })).toEqual([]);
      expect(selectAgents({ strategy, members: [] })).toEqual([]);
    }
  });
});

describe("queues API", () => {
  it("creates a queue with members and answers who to ring from live availability", async () => {
    const owner = await registerAccount("tq");
    const a1 = await addMember(owner, "agent", "qa1");
    const a2 = await addMember(owner, "agent", "qa2");
    const created = await api("/api/telephony/queues", {
      token: owner.token,
      body: { name: "Support", strategy: "round_robin", ringTimeoutSeconds: 15, overflowAction: "number", overflowTarget: "(415) 555-0111", members: [{ userId: a1.userId, priority: 0 }, { userId: a2.userId, priority: 1 }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const q = created.body.data;
    expect(q).toMatchObject({ name: "Support", strategy: "round_robin", ringTimeoutSeconds: 15, maxWaitSeconds: 300, overflowAction: "number", overflowTarget: "+14155550111" });
    expect(q.members.map((m: any) => [m.userId, m.status])).toEqual([
      [a1.userId, "offline"],
      [a2.userId, "offline"],
    ]);
    expect((await api(`/api/telephony/queues/${q.id}/next`, { token: owner.token })).body.data.userIds).toEqual([]);

    await setStatus(a1, "available");
    await setStatus(a2, "available");
    expect((await api(`/api/telephony/queues/${q.id}/next`, { token: a1.token })).body.data.userIds).toEqual([a1.userId]);
    await setStatus(a1, "away");
    expect((await api(`/api/telephony/queues/${q.id}/next`, { token: a1.token })).body.data.userIds).toEqual([a2.userId]);

    const ringAll = await api(`/api/telephony/queues/${q.id}`, { method: "PATCH", token: owner.token, body: { strategy: "ring_all" } });
    expect(ringAll.body.data.strategy).toBe("ring_all");
    await setStatus(a1, "available");
    expect((await api(`/api/telephony/queues/${q.id}/next`, { token: owner.token })).body.data.userIds).toEqual([a1.userId, a2.userId]);

    const removed = await api(`/api/telephony/queues/${q.id}/members/${a1.userId}`, { method: "DELETE", token: owner.token });
    expect(removed.body.data.members.map((m: any) => m.userId)).toEqual([a2.userId]);
    const readded = await api(`/api/telephony/queues/${q.id}/members`, { token: owner.token, body: { userId: a1.userId, priority: 5 } });
    expect(readded.body.data.members.map((m: any) => [m.userId, m.priority])).toEqual([
      [a2.userId, 1],
      [a1.userId, 5],
    ]);
    expect((await api("/api/telephony/queues", { token: a2.token })).body.data.map((x: any) => x.id)).toEqual([q.id]);
    expect((await api(`/api/telephony/queues/${q.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api(`/api/telephony/queues/${q.id}`, { token: owner.token }), 404, "not_found");
  });

  it("validates queues: names, members, overflow targets", async () => {
    const owner = await registerAccount("tqbad");
    const other = await registerAccount("tqbad2");
    const viewer = await addMember(owner, "viewer");
    expectError(await api("/api/telephony/queues", { token: owner.token, body: { name: "" } }), 400, "validation_error");
    expectError(await api("/api/telephony/queues", { token: owner.token, body: { name: "Q", strategy: "random" } }), 400, "validation_error");
    expectError(await api("/api/telephony/queues", { token: owner.token, body: { name: "Q", members: [{ userId: other.userId }] } }), 400, "validation_error");
    expectError(await api("/api/telephony/queues", { token: owner.token, body: { name: "Q", members: [{ userId: viewer.userId }] } }), 400, "validation_error");
    expectError(await api("/api/telephony/queues", { token: owner.token, body: { name: "Q", overflowAction: "queue" } }), 400, "validation_error");
    expectError(await api("/api/telephony/queues", { token: owner.token, body: { name: "Q", overflowAction: "number", overflowTarget: "call me" } }), 400, "validation_error");
    const theirs = await api("/api/telephony/queues", { token: other.token, body: { name: "Theirs" } });
    expectError(await api("/api/telephony/queues", { token: owner.token, body: { name: "Q", overflowAction: "queue", overflowTarget: theirs.body.data.id } }), 400, "validation_error");
    expect((await api("/api/telephony/queues", { token: owner.token })).body.data).toEqual([]);

    const first = await api("/api/telephony/queues", { token: owner.token, body: { name: "Sales" } });
    expect(first.status).toBe(201);
    expectError(await api("/api/telephony/queues", { token: owner.token, body: { name: "Sales" } }), 409, "conflict");
    const overflow = await api("/api/telephony/queues", { token: owner.token, body: { name: "Overflow", overflowAction: "queue", overflowTarget: first.body.data.id } });
    expect(overflow.status).toBe(201);
    expectError(await api(`/api/telephony/queues/${first.body.data.id}`, { method: "PATCH", token: owner.token, body: { overflowAction: "queue", overflowTarget: first.body.data.id } }), 400, "validation_error");
  });

  it("lets managers manage queues; agents and viewers only read; other organizations get 404", async () => {
    const owner = await registerAccount("tqperm");
    const manager = await addMember(owner, "manager");
    const agent = await addMember(owner, "agent");
    const viewer = await addMember(owner, "viewer");
    const q = await api("/api/telephony/queues", { token: manager.token, body: { name: "Mgr queue" } });
    expect(q.status).toBe(201);
    for (const who of [agent, viewer]) {
      expectError(await api("/api/telephony/queues", { token: who.token, body: { name: "Nope" } }), 403, "forbidden");
      expectError(await api(`/api/telephony/queues/${q.body.data.id}`, { method: "PATCH", token: who.token, body: { name: "x" } }), 403, "forbidden");
      expect((await api(`/api/telephony/queues/${q.body.data.id}`, { token: who.token })).status).toBe(200);
    }
    const stranger = await registerAccount("tqx");
    expectError(await api(`/api/telephony/queues/${q.body.data.id}`, { token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/telephony/queues/${q.body.data.id}/next`, { token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/telephony/queues/${q.body.data.id}`, { method: "DELETE", token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/telephony/queues/${q.body.data.id}/members`, { token: stranger.token, body: { userId: stranger.userId } }), 404, "not_found");
  });
});

describe("queues and calls", () => {
  it("moves the round-robin cursor when a queue call goes to an agent, and unlinks a deleted queue", async () => {
    const owner = await registerAccount("tqrr");
    const a1 = await addMember(owner, "agent", "rr1");
    const a2 = await addMember(owner, "agent", "rr2");
    const provider = await createProvider(owner);
    const q = (await api("/api/telephony/queues", { token: owner.token, body: { name: "RR", strategy: "round_robin", members: [{ userId: a1.userId }, { userId: a2.userId, priority: 1 }] } })).body.data;
    await setStatus(a1, "available");
    await setStatus(a2, "available");
    const next = async () => (await api(`/api/telephony/queues/${q.id}/next`, { token: owner.token })).body.data.userIds;
    expect(await next()).toEqual([a1.userId]);

    const at = Date.now() - 60_000;
    const base = { providerId: provider.id, providerCallId: callSid(), direction: "inbound" as const, from: "+14155550150", to: "+14155550100", queueId: q.id };
    await applyCallEvent(env, owner.orgId, { ...base, status: "ringing", at, agentUserId: a1.userId });
    await applyCallEvent(env, owner.orgId, { ...base, status: "in_progress", at: at + 5000 });
    const ended = await applyCallEvent(env, owner.orgId, { ...base, status: "completed", at: at + 20_000 });
    await api(`/api/telephony/calls/${ended.call.id}`, { method: "PATCH", token: a1.token, body: { disposition: "done" } });
    // a1 is available again, but round robin moves on to a2.
    expect((await api("/api/agents/me", { token: a1.token })).body.data.status).toBe("available");
    expect(await next()).toEqual([a2.userId]);

    await api(`/api/telephony/providers/${provider.id}`, { method: "PATCH", token: owner.token, body: { defaultQueueId: q.id } });
    expect((await api(`/api/telephony/providers/${provider.id}`, { token: owner.token })).body.data.defaultQueueId).toBe(q.id);
    await api(`/api/telephony/queues/${q.id}`, { method: "DELETE", token: owner.token });
    expect((await api(`/api/telephony/providers/${provider.id}`, { token: owner.token })).body.data.defaultQueueId).toBeNull();
  });
});

describe("extensions API", () => {
  it("maps members to extensions at a provider, one each", async () => {
    const owner = await registerAccount("tx");
    const agent = await addMember(owner, "agent");
    const provider = await createProvider(owner);
    const created = await api("/api/telephony/extensions", { token: owner.token, body: { providerId: provider.id, userId: agent.userId, extension: "agent-1", label: "Desk 1" } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data).toMatchObject({ providerId: provider.id, userId: agent.userId, extension: "agent-1", label: "Desk 1" });
    expectError(await api("/api/telephony/extensions", { token: owner.token, body: { providerId: provider.id, userId: owner.userId, extension: "agent-1" } }), 409, "conflict");
    expectError(await api("/api/telephony/extensions", { token: owner.token, body: { providerId: provider.id, userId: agent.userId, extension: "1002" } }), 409, "conflict");
    expectError(await api("/api/telephony/extensions", { token: owner.token, body: { providerId: provider.id, userId: agent.userId, extension: "has space" } }), 400, "validation_error");
    const listed = await api(`/api/telephony/extensions?userId=${agent.userId}`, { token: agent.token });
    expect(listed.body.data.map((e: any) => e.extension)).toEqual(["agent-1"]);
    expectError(await api("/api/telephony/extensions", { token: agent.token, body: { providerId: provider.id, userId: agent.userId, extension: "x" } }), 403, "forbidden");

    const patched = await api(`/api/telephony/extensions/${created.body.data.id}`, { method: "PATCH", token: owner.token, body: { extension: "1001" } });
    expect(patched.body.data.extension).toBe("1001");

    const stranger = await registerAccount("txs");
    expectError(await api(`/api/telephony/extensions/${created.body.data.id}`, { method: "PATCH", token: stranger.token, body: { extension: "9" } }), 404, "not_found");
    expectError(await api("/api/telephony/extensions", { token: stranger.token, body: { providerId: provider.id, userId: stranger.userId, extension: "9" } }), 400, "validation_error");
    expect((await api("/api/telephony/extensions", { token: stranger.token })).body.data).toEqual([]);
    expect((await api(`/api/telephony/extensions/${created.body.data.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
  });
});
