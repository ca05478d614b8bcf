import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import { addMember, api, registerAccount, type Account } from "../../helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { joinRoom, RoomClient, until } from "../../room-client";

/** Sends a hand-made awareness update, as a client that ignores the rules could. */
function sendAwareness(client: RoomClient, entries: { clientId: number; clock: number; state: unknown }[]) {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(update, clientId);
    encoding.writeVarUint(update, clock);
    encoding.writeVarString(update, JSON.stringify(state));
  }
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, 1);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  client.ws.send(encoding.toUint8Array(message));
}

type Presence = { user?: { id?: string; name?: string; color?: string }; view?: string } | undefined;
const stateOf = (observer: RoomClient, of: RoomClient) => observer.awareness.getStates().get(of.doc.clientID) as Presence;

async function rooms(label: string): Promise<{ owner: Account; agent: Account; room: string; party: string }[]> {
  const owner = await registerAccount(label);
  await defaultPipeline(owner.orgId);
  const agent = await addMember(owner, "agent");
  const deal = (await api("/api/deals", { token: owner.token, body: { title: "Presence" } })).body.data;
  return [
    { owner, agent, room: owner.orgId, party: "org-room" },
    { owner, agent, room: deal.id, party: "deal-room" },
  ];
}

describe("presence is bound to the socket's own user", () => {
  it("shows a forged identity as the sender's own, in both rooms", async () => {
    for (const { owner, agent, room, party } of await rooms("aw1")) {
      const victim = await joinRoom(room, owner.token, party);
      const forger = await joinRoom(room, agent.token, party);
      const observer = await joinRoom(room, owner.token, party);
      forger.awareness.setLocalState({ user: { id: owner.userId, name: "owner person", color: "#000000" }, view: "/forged" });
      await until(() => stateOf(observer, forger)?.view === "/forged", `${party}: the forger's presence`);
      expect(stateOf(observer, forger)!.user).toEqual({ id: agent.userId, name: "agent person" });
      [victim, forger, observer].forEach((c) => c.close());
    }
  });

  it("ignores changes to and removals of another socket's presence, in both rooms", async () => {
    for (const { owner, agent, room, party } of await rooms("aw2")) {
      const victim = await joinRoom(room, owner.token, party);
      const forger = await joinRoom(room, agent.token, party);
      const observer = await joinRoom(room, owner.token, party);
      victim.awareness.setLocalState({ user: { id: owner.userId, name: "owner person" }, view: "/real" });
      await until(() => stateOf(observer, victim)?.view === "/real", `${party}: the victim's presence`);

      sendAwareness(forger, [{ clientId: victim.doc.clientID, clock: 1000, state: { user: { id: owner.userId }, view: "/hijacked" } }]);
      sendAwareness(forger, [{ clientId: victim.doc.clientID, clock: 1001, state: null }]);
      // Messages of one socket are handled in order: once this arrives, the forged ones were judged.
      forger.awareness.setLocalState({ view: "/marker" });
      await until(() => stateOf(observer, forger)?.view === "/marker", `${party}: the forger's marker`);
      expect(stateOf(observer, victim)).toMatchObject({ user: { id: owner.userId }, view: "/real" });

      // The victim's own later updates still go through.
      victim.awareness.setLocalState({ user: { id: owner.userId, name: "owner person" }, view: "/moved" });
      await until(() => stateOf(observer, victim)?.view === "/moved", `${party}: the victim's next presence`);
      [victim, forger, observer].forEach((c) => c.close());
    }
  });

  it("lets a member's reconnecting tab take over its own presence", async () => {
    for (const { owner, room, party } of await rooms("aw3")) {
      const first = await joinRoom(room, owner.token, party);
      const observer = await joinRoom(room, owner.token, party);
      first.awareness.setLocalState({ view: "/before" });
      await until(() => stateOf(observer, first)?.view === "/before", `${party}: the first socket's presence`);
      // A new socket for the same tab (the old one still hangs) announces the same awareness client.
      const again = await joinRoom(room, owner.token, party);
      sendAwareness(again, [{ clientId: first.doc.clientID, clock: 50, state: { view: "/after" } }]);
      await until(() => stateOf(observer, first)?.view === "/after", `${party}: the reconnected socket's presence`);
      first.close();
      again.close();
      observer.close();
    }
  });
});
