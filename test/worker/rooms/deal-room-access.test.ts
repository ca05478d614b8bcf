import { env } from "cloudflare:workers";
import { getServerByName } from "partyserver";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { CLOSE } from "../../../schema/room-events";
import { MEMBER_NAME_HEADER, MEMBER_ROLE_HEADER, MEMBER_VISIBILITY_HEADER, ROOM_ORG_HEADER } from "../../../schema/room-names";
import { addMember, api, BASE, registerAccount, type Account } from "../../helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { restrictToOwnRecords } from "../../record-helpers";
import { joinRoom, RoomClient, until } from "../../room-client";
import { notesText, orgWithDeal, write } from "./deal-notes-helpers";

/** Proves `client` is still connected: a note written by `writer` reaches it. */
async function stillOpen(client: RoomClient, writer: RoomClient, marker: string) {
  write(writer.doc, marker);
  await until(() => notesText(client.doc).includes(marker) || client.closed !== null, `${marker} to arrive`);
  expect(client.closed).toBeNull();
}

async function closedAsRevoked(client: RoomClient, what: string) {
  await until(() => client.closed !== null, what);
  expect(client.closed!.code).toBe(CLOSE.revoked);
}

async function secondSession(account: Account): Promise<Account> {
  const res = await api("/api/auth/login", { body: { email: account.email, password: account.password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { ...account, token: res.body.data.accessToken, refreshToken: res.body.data.refreshToken };
}

describe("deal-room sockets end with access", () => {
  it("closes a removed member's deal-room sockets", async () => {
    const { owner, deal } = await orgWithDeal("dra1");
    const agent = await addMember(owner, "agent");
    const a = await joinRoom(deal.id, agent.token, "deal-room");
    const o = await joinRoom(deal.id, owner.token, "deal-room");
    expect((await api(`/api/users/${agent.userId}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    await closedAsRevoked(a, "the removed member's socket to close");
    await stillOpen(o, o, "owner still here");
    o.close();
  });

  it("closes a demoted member's deal-room sockets", async () => {
    const { owner, deal } = await orgWithDeal("dra2");
    const manager = await addMember(owner, "manager");
    const m = await joinRoom(deal.id, manager.token, "deal-room");
    const role = await api(`/api/users/${manager.userId}`, { method: "PATCH", token: owner.token, body: { role: "viewer" } });
    expect(role.status, JSON.stringify(role.body)).toBe(200);
    await closedAsRevoked(m, "the demoted member's socket to close");
  });

  it("closes only the signed-out session's deal-room sockets", async () => {
    const { owner, deal } = await orgWithDeal("dra3");
    const agent = await addMember(owner, "agent");
    const laptop = await joinRoom(deal.id, agent.token, "deal-room");
    const phone = await joinRoom(deal.id, (await secondSession(agent)).token, "deal-room");
    const o = await joinRoom(deal.id, owner.token, "deal-room");
    expect((await api("/api/auth/logout", { method: "POST", token: agent.token })).status).toBe(200);
    await closedAsRevoked(laptop, "the signed-out session's socket to close");
    await stillOpen(phone, o, "the other session keeps its notes");
    [phone, o].forEach((c) => c.close());
  });

  it("closes an own-records agent's socket to a deal reassigned away, and only that one", async () => {
    const owner = await registerAccount("dra4");
    await defaultPipeline(owner.orgId);
    const manager = await addMember(owner, "manager");
    const agent = await addMember(owner, "agent");
    await restrictToOwnRecords(owner);
    const leaving = (await api("/api/deals", { token: agent.token, body: { title: "Leaving" } })).body.data;
    const staying = (await api("/api/deals", { token: agent.token, body: { title: "Staying" } })).body.data;
    const aLeaving = await joinRoom(leaving.id, agent.token, "deal-room");
    const aStaying = await joinRoom(staying.id, agent.token, "deal-room");
    const mLeaving = await joinRoom(leaving.id, manager.token, "deal-room");
    const mStaying = await joinRoom(staying.id, manager.token, "deal-room");

    const away = await api(`/api/deals/${leaving.id}`, { method: "PATCH", token: manager.token, body: { ownerId: manager.userId } });
    expect(away.status, JSON.stringify(away.body)).toBe(200);
    await closedAsRevoked(aLeaving, "the agent's socket to the reassigned deal to close");
    await stillOpen(aStaying, mStaying, "the agent keeps the deal still theirs");
    await stillOpen(mLeaving, mLeaving, "the manager keeps the reassigned deal");
    [aStaying, mLeaving, mStaying].forEach((c) => c.close());
  });

  it("closes an own-records agent's socket when a manager reassigns the deal on the board", async () => {
    const owner = await registerAccount("dra5");
    await defaultPipeline(owner.orgId);
    const manager = await addMember(owner, "manager");
    const agent = await addMember(owner, "agent");
    await restrictToOwnRecords(owner);
    const deal = (await api("/api/deals", { token: agent.token, body: { title: "Dragged away" } })).body.data;
    const a = await joinRoom(deal.id, agent.token, "deal-room");
    const board = await joinRoom(owner.orgId, manager.token);
    (board.doc.getMap("deals") as Y.Map<Y.Map<unknown>>).get(deal.id)!.set("ownerId", manager.userId);
    await closedAsRevoked(a, "the agent's socket to close after a board reassignment");
    board.close();
  });

  it("closes agents' board and deal-room sockets when the organization switches to own-records visibility", async () => {
    const { owner, deal } = await orgWithDeal("dra7");
    const agent = await addMember(owner, "agent");
    const manager = await addMember(owner, "manager");
    const notes = await joinRoom(deal.id, agent.token, "deal-room");
    const board = await joinRoom(owner.orgId, agent.token);
    const managerNotes = await joinRoom(deal.id, manager.token, "deal-room");
    await restrictToOwnRecords(owner);
    await closedAsRevoked(notes, "the agent's notes socket to close");
    await closedAsRevoked(board, "the agent's board socket to close");
    await stillOpen(managerNotes, managerNotes, "manager still here");
    managerNotes.close();
  });

  it("refuses a socket whose access ended after the gate let it through", async () => {
    const { owner, deal } = await orgWithDeal("dra6");
    const agent = await addMember(owner, "agent");
    // The gate's checks passed a moment ago; the session ends before the room admits the socket.
    expect((await api("/api/auth/logout", { method: "POST", token: agent.token })).status).toBe(200);
    const room = await getServerByName(env.DEAL_ROOM, deal.id);
    const res = await room.fetch(
      new Request(`${BASE}/parties/deal-room/${deal.id}?token=${agent.token}`, {
        headers: {
          Upgrade: "websocket",
          [ROOM_ORG_HEADER]: owner.orgId,
          [MEMBER_ROLE_HEADER]: "agent",
          [MEMBER_VISIBILITY_HEADER]: "all",
          [MEMBER_NAME_HEADER]: "agent person",
        },
      }),
    );
    expect(res.status).toBe(101);
    const late = new RoomClient(res.webSocket!);
    await closedAsRevoked(late, "the stale socket to be refused");
    expect(notesText(late.doc)).toBe("");
  });
});
