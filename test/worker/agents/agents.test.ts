import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { joinRoom, until } from "../../room-client";

describe("agent availability", () => {
  it("starts everyone offline and lets an agent set their own status, restarting idle time only on becoming available", async () => {
    const owner = await registerAccount("avail");
    const agent = await addMember(owner, "agent");
    const list = await api("/api/agents", { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.data.map((a: { status: string }) => a.status)).toEqual(["offline", "offline"]);

    const first = await api("/api/agents/me/status", { method: "PUT", token: agent.token, body: { status: "available" } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data).toMatchObject({ userId: agent.userId, status: "available", source: "agent" });
    const idleSince = first.body.data.idleSince;
    expect(idleSince).toBeGreaterThan(0);

    const again = await api("/api/agents/me/status", { method: "PUT", token: agent.token, body: { status: "available" } });
    expect(again.body.data.idleSince).toBe(idleSince);
    const busy = await api(`/api/agents/${agent.userId}/status`, { method: "PUT", token: agent.token, body: { status: "busy" } });
    expect(busy.body.data).toMatchObject({ status: "busy", idleSince: null });

    const available = await api("/api/agents?status=available", { token: owner.token });
    expect(available.body.data).toEqual([]);
    const audit = await api("/api/audit-log?entity=agent", { token: owner.token });
    expect(audit.body.data.filter((r: { action: string }) => r.action === "agent.status")).toHaveLength(2);
  });

  it("lets managers set another member's status, not agents or viewers", async () => {
    const owner = await registerAccount("avail2");
    const manager = await addMember(owner, "manager");
    const agent = await addMember(owner, "agent");
    const viewer = await addMember(owner, "viewer");
    const set = (who: typeof owner, target: string, status: string) =>
      api(`/api/agents/${target}/status`, { method: "PUT", token: who.token, body: { status } });

    expect((await set(manager, agent.userId, "away")).body.data).toMatchObject({ status: "away", source: "manager" });
    expectError(await set(agent, manager.userId, "away"), 403, "forbidden");
    expectError(await set(viewer, "me", "available"), 403, "forbidden");
    expectError(await set(owner, agent.userId, "sleeping"), 400, "validation_error");
  });

  it("answers 404 for someone outside the organization", async () => {
    const owner = await registerAccount("avail3");
    const stranger = await registerAccount("stranger");
    expectError(
      await api(`/api/agents/${stranger.userId}/status`, { method: "PUT", token: owner.token, body: { status: "away" } }),
      404,
      "not_found",
    );
  });

  it("announces a change to the organization room", async () => {
    const owner = await registerAccount("avail4");
    const agent = await addMember(owner, "agent");
    const watcher = await joinRoom(owner.orgId, owner.token);
    try {
      await api("/api/agents/me/status", { method: "PUT", token: agent.token, body: { status: "available" } });
      await until(() => watcher.events.some((e) => e.type === "agent_status_changed"), "agent_status_changed");
      expect(watcher.events.find((e) => e.type === "agent_status_changed")?.data).toMatchObject({
        userId: agent.userId,
        status: "available",
      });
    } finally {
      watcher.close();
    }
  });
});
