import { abortAllDurableObjects, listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CLOSE } from "../../../schema/room-events";
import { publishEvent } from "../../../worker/platform/room-rpc";
import { addMember, api, registerAccount } from "../../helpers";
import { joinRoom, openRoom, until } from "../../room-client";

async function roomExists(orgId: string) {
  const id = env.ORG_ROOM.idFromName(orgId);
  return (await listDurableObjectIds(env.ORG_ROOM)).some((x) => x.equals(id));
}

describe("organization room: who may connect", () => {
  it("refuses a connection without a token, or with a bad one, before waking the room", async () => {
    const a = await registerAccount("room401");
    const none = await openRoom(a.orgId);
    expect(none.status).toBe(401);
    expect((await none.json<{ error: { code: string } }>()).error.code).toBe("unauthorized");
    expect((await openRoom(a.orgId, "not-a-jwt")).status).toBe(401);
    expect(await roomExists(a.orgId)).toBe(false);
  });

  it("refuses a member of another organization with 403", async () => {
    const a = await registerAccount("room403a");
    const b = await registerAccount("room403b");
    const res = await openRoom(a.orgId, b.token);
    expect(res.status).toBe(403);
    expect(await roomExists(a.orgId)).toBe(false);
  });

  it("refuses a removed member whose token has not expired yet", async () => {
    const owner = await registerAccount("roomrm");
    const agent = await addMember(owner, "agent");
    await api(`/api/users/${agent.userId}`, { method: "DELETE", token: owner.token });
    expect((await openRoom(owner.orgId, agent.token)).status).toBe(403);
  });

  it("accepts a member and syncs", async () => {
    const a = await registerAccount("roomok");
    const client = await joinRoom(a.orgId, a.token);
    expect(client.synced).toBe(true);
    client.close();
  });

  it("answers plain HTTP to a room with 404", async () => {
    const a = await registerAccount("roomhttp");
    const res = await api(`/parties/org-room/${a.orgId}?token=${a.token}`);
    expect(res.status).toBe(404);
  });
});

describe("organization room: collaboration", () => {
  it("syncs edits between members", async () => {
    const owner = await registerAccount("sync");
    const agent = await addMember(owner, "agent");
    const a = await joinRoom(owner.orgId, owner.token);
    const b = await joinRoom(owner.orgId, agent.token);
    a.doc.getMap("scratch").set("hello", "world");
    await until(() => b.doc.getMap("scratch").get("hello") === "world", "edit to reach B");
    a.close();
    b.close();
  });

  it("keeps viewers read-only: their edits never reach anyone", async () => {
    const owner = await registerAccount("ro");
    const viewer = await addMember(owner, "viewer");
    const a = await joinRoom(owner.orgId, owner.token);
    const v = await joinRoom(owner.orgId, viewer.token);
    v.doc.getMap("scratch").set("vandal", true);
    a.doc.getMap("scratch").set("marker", 1);
    await until(() => v.doc.getMap("scratch").get("marker") === 1, "owner edit to reach the viewer");
    const fresh = await joinRoom(owner.orgId, owner.token);
    expect(fresh.doc.getMap("scratch").get("marker")).toBe(1);
    expect(fresh.doc.getMap("scratch").has("vandal")).toBe(false);
    expect(a.doc.getMap("scratch").has("vandal")).toBe(false);
    [a, v, fresh].forEach((c) => c.close());
  });

  it("shares presence: who is online and what they look at", async () => {
    const owner = await registerAccount("presence");
    const agent = await addMember(owner, "agent");
    const a = await joinRoom(owner.orgId, owner.token);
    const b = await joinRoom(owner.orgId, agent.token);
    a.awareness.setLocalStateField("user", { id: owner.userId, name: "Owner" });
    a.awareness.setLocalStateField("view", "/members");
    await until(
      () => [...b.awareness.getStates().values()].some((s) => s.user?.id === owner.userId && s.view === "/members"),
      "presence to reach B",
    );
    a.close();
    await until(() => ![...b.awareness.getStates().values()].some((s) => s.user?.id === owner.userId), "presence to clear");
    b.close();
  });

  it("fans the Worker's typed events out to every connected member", async () => {
    const owner = await registerAccount("events");
    const agent = await addMember(owner, "agent");
    const a = await joinRoom(owner.orgId, owner.token);
    const b = await joinRoom(owner.orgId, agent.token);
    const reached = await publishEvent(env, owner.orgId, "notification", { title: "Hello team" } as never);
    expect(reached).toBe(2);
    for (const c of [a, b]) {
      await until(() => c.events.length === 1, "event");
      expect(c.events[0]).toMatchObject({ type: "notification", data: { title: "Hello team" } });
      expect(new Date(c.events[0]!.at).toISOString()).toBe(c.events[0]!.at);
    }
    a.close();
    b.close();
  });

  it("closes a member's sockets when their role changes or they log out", async () => {
    const owner = await registerAccount("kick");
    const agent = await addMember(owner, "agent");
    const c = await joinRoom(owner.orgId, agent.token);
    await api(`/api/users/${agent.userId}`, { method: "PATCH", token: owner.token, body: { role: "viewer" } });
    await until(() => c.closed !== null, "socket to close");
    expect(c.closed!.code).toBe(CLOSE.revoked);

    const o = await joinRoom(owner.orgId, owner.token);
    await api("/api/auth/logout", { method: "POST", token: owner.token });
    await until(() => o.closed !== null, "socket to close on logout");
  });
});

describe("organization room: persistence", () => {
  it("keeps every acknowledged edit when the object is killed", async () => {
    const owner = await registerAccount("persist");
    const a = await joinRoom(owner.orgId, owner.token);
    const b = await joinRoom(owner.orgId, owner.token);
    for (let i = 0; i < 50; i++) a.doc.getMap("scratch").set(`k${i}`, i);
    await until(() => b.doc.getMap("scratch").get("k49") === 49, "edits to be acknowledged by fan-out");
    await abortAllDurableObjects();
    const fresh = await joinRoom(owner.orgId, owner.token);
    expect(fresh.doc.getMap("scratch").toJSON()).toEqual(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])));
    fresh.close();
  });
});
