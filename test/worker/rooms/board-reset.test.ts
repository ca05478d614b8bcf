import { abortAllDurableObjects, runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import { carriesRetiredHistory } from "../../../rooms/board-epoch";
import { freshBoardState } from "../../../rooms/board-cards";
import { CLOSE } from "../../../schema/room-events";
import { api, registerAccount } from "../../helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { joinRoom, openRoom, RoomClient, until } from "../../room-client";

const CARDS = 12;
const cards = (c: RoomClient) => c.doc.getMap("deals") as Y.Map<Y.Map<unknown>>;
const roomStub = (orgId: string) => env.ORG_ROOM.get(env.ORG_ROOM.idFromName(orgId));

/** Asks the room which epoch the client's document belongs to (a flush, as the browser sends). */
async function epochOf(c: RoomClient) {
  const seq = Math.floor(Math.random() * 1e9);
  c.ws.send(`__YPS:${JSON.stringify({ type: "board_flush", seq })}`);
  await until(() => c.events.some((e) => e.type === "board_epoch" && e.data.seq === seq), "the flush answer");
  return c.events.find((e) => e.type === "board_epoch" && e.data.seq === seq)!.data.epoch as number;
}

async function boardWithDeals(label: string) {
  const owner = await registerAccount(label);
  const pipeline = await defaultPipeline(owner.orgId);
  const ids: string[] = [];
  for (let i = 0; i < CARDS; i++) {
    const deal = await api("/api/deals", { token: owner.token, body: { title: `Deal ${i}`, amount: 100 + i } });
    ids.push(deal.body.data.id);
  }
  return { owner, pipeline, ids };
}

/**
 * Overwrites every card's amount and stage round after round until the
 * document carries well over the 256 KiB history floor; cards interleave, so
 * the deleted items cannot merge (what a real team's edits look like).
 */
async function churn(c: RoomClient, stages: string[]) {
  const deals = cards(c);
  for (let batch = 0; batch < 40; batch++) {
    c.doc.transact(() => {
      for (let round = 0; round < 40; round++) {
        let i = 0;
        for (const card of deals.values()) {
          card.set("amount", (card.get("amount") as number) + 1);
          card.set("stageId", stages[(batch + round + i++) % stages.length]);
        }
      }
    });
  }
}

/** Opens a board socket claiming `epoch`; returns once the room closed it or it synced. */
async function connectWithEpoch(orgId: string, token: string, epoch: number, before?: (c: RoomClient) => void) {
  const res = await openRoom(orgId, token, "org-room", { epoch: String(epoch) });
  expect(res.status).toBe(101);
  const client = new RoomClient(res.webSocket!);
  before?.(client);
  await until(() => client.closed !== null || client.synced, "a reset or a sync");
  return client;
}

describe("board epoch reset", () => {
  it("squashes a board carrying too much history, resets old copies and keeps every card", { timeout: 60_000 }, async () => {
    const { owner, pipeline, ids } = await boardWithDeals("squash");
    const a = await joinRoom(owner.orgId, owner.token);
    expect(await epochOf(a)).toBe(0);
    await until(() => cards(a).size === CARDS, "every card");
    const stages = pipeline.stages.map((s) => s.id);
    await churn(a, stages);
    const expected = cards(a).toJSON();
    const oldState = Y.encodeStateAsUpdate(a.doc);
    const freshBytes = freshBoardState(cards(a)).byteLength;
    expect(oldState.byteLength).toBeGreaterThan(freshBytes + 256 * 1024);

    // The debounced save compacts, sees the history and squashes: connected board clients are told and closed.
    await until(() => a.closed !== null, "the room to reset the client", 30_000);
    expect(a.closed!.code).toBe(CLOSE.boardReset);
    expect(a.events.find((e) => e.type === "board_reset")?.data).toEqual({ epoch: 1 });

    // A client with no copy just syncs, and the room now serves the new epoch.
    const fresh = await joinRoom(owner.orgId, owner.token);
    expect(await epochOf(fresh)).toBe(1);
    expect(cards(fresh).toJSON()).toEqual(expected);
    const newState = Y.encodeStateAsUpdate(fresh.doc);
    expect(newState.byteLength).toBeLessThan(freshBytes * 1.1 + 512);
    expect(newState.byteLength * 10).toBeLessThan(oldState.byteLength);
    const stats = await roomStub(owner.orgId).stats();
    expect(stats.store).toMatchObject({ epoch: 1, logRows: expect.any(Number) });
    expect(stats.store.snapshotBytes).toBeLessThan(freshBytes * 1.1 + 512);

    // The projection outbox survived the restart: D1 matches the board.
    await runDurableObjectAlarm(roomStub(owner.orgId));
    for (const id of ids) {
      const row = await env.DB.prepare("SELECT amount, stage_id FROM deals WHERE id = ?").bind(id).first<{ amount: number; stage_id: string }>();
      expect(row).toEqual({ amount: expected[id].amount, stage_id: expected[id].stageId });
    }

    // A copy of the old epoch is reset before any sync, even if it pushes its history at once.
    const stale = await connectWithEpoch(owner.orgId, owner.token, 0, (c) => Y.applyUpdate(c.doc, oldState));
    expect(stale.closed?.code).toBe(CLOSE.boardReset);
    expect(stale.synced).toBe(false);
    expect(stale.events.find((e) => e.type === "board_reset")?.data).toEqual({ epoch: 1 });
    // Reconnecting fresh with the new epoch: the cards once each, none of the old history.
    const again = await joinRoom(owner.orgId, owner.token, "org-room", { epoch: "1" });
    expect(cards(again).size).toBe(CARDS);
    expect(cards(again).toJSON()).toEqual(expected);
    expect(Y.encodeStateAsUpdate(again.doc).byteLength).toBeLessThan(freshBytes * 1.1 + 512);

    // A client that claims no epoch but kept its old document (a provider reconnecting) is recognised by its history.
    const res = await openRoom(owner.orgId, owner.token);
    const keeper = new RoomClient(res.webSocket!);
    Y.applyUpdate(keeper.doc, oldState);
    await until(() => keeper.closed !== null, "the keeper to be reset");
    expect(keeper.closed!.code).toBe(CLOSE.boardReset);
    const check = await joinRoom(owner.orgId, owner.token);
    expect(Y.encodeStateAsUpdate(check.doc).byteLength).toBeLessThan(freshBytes * 1.1 + 512);
    expect(cards(check).toJSON()).toEqual(expected);
    check.close();

    // Edits keep flowing on the new epoch, from Yjs and REST alike.
    cards(again).get(ids[0]!)!.set("title", "Edited after the reset");
    await until(() => cards(fresh).get(ids[0]!)?.get("title") === "Edited after the reset", "a Yjs edit to reach a peer");
    const patched = await api(`/api/deals/${ids[1]}`, { method: "PATCH", token: owner.token, body: { amount: 4321 } });
    expect(patched.body.data.amount).toBe(4321);
    await api("/api/kanban/move", { token: owner.token, body: { dealId: ids[2], stageId: stages[3] } });
    await until(() => cards(fresh).get(ids[1]!)?.get("amount") === 4321, "the REST patch");
    await until(() => cards(again).get(ids[2]!)?.get("stageId") === stages[3], "the REST move");
    fresh.close();
    again.close();
  });

  it("keeps the epoch across a restart and resets only clients of another epoch", { timeout: 60_000 }, async () => {
    const { owner, pipeline } = await boardWithDeals("squash2");
    const a = await joinRoom(owner.orgId, owner.token);
    await until(() => cards(a).size === CARDS, "every card");
    await churn(a, pipeline.stages.map((s) => s.id));
    await until(() => a.closed !== null, "the squash", 30_000);
    await abortAllDurableObjects();
    const current = await joinRoom(owner.orgId, owner.token, "org-room", { epoch: "1" });
    expect(await epochOf(current)).toBe(1);
    expect(cards(current).size).toBe(CARDS);
    // An epoch the room never had is not this document either.
    for (const claimed of [2, 7]) {
      const other = await connectWithEpoch(owner.orgId, owner.token, claimed);
      expect(other.closed?.code).toBe(CLOSE.boardReset);
    }
    current.close();
  });

  it("answers a flush once the client's earlier edits are applied", async () => {
    const { owner, ids } = await boardWithDeals("flush");
    const a = await joinRoom(owner.orgId, owner.token);
    cards(a).get(ids[0]!)!.set("amount", 9);
    a.ws.send(`__YPS:${JSON.stringify({ type: "board_flush", seq: 3 })}`);
    await until(() => a.events.some((e) => e.type === "board_epoch" && e.data.seq === 3), "the flush answer");
    expect((await roomStub(owner.orgId).boardDeal(ids[0]!))?.amount).toBe(9);
    a.close();
  });

  it("recognises old history by its client ids in a sync step 1, step 2 or update", () => {
    const old = new Y.Doc();
    old.getMap("deals").set("d1", new Y.Map<unknown>([["amount", 1]]));
    const fresh = new Y.Doc();
    fresh.getMap("deals").set("d1", new Y.Map<unknown>([["amount", 1]]));
    const message = (doc: Y.Doc, write: (enc: encoding.Encoder, doc: Y.Doc) => void) => {
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, 0);
      write(enc, doc);
      return encoding.toUint8Array(enc);
    };
    const retired = new Set([old.clientID]);
    const step1 = (enc: encoding.Encoder, doc: Y.Doc) => syncProtocol.writeSyncStep1(enc, doc);
    const step2 = (enc: encoding.Encoder, doc: Y.Doc) => syncProtocol.writeSyncStep2(enc, doc);
    const update = (enc: encoding.Encoder, doc: Y.Doc) => syncProtocol.writeUpdate(enc, Y.encodeStateAsUpdate(doc));
    for (const write of [step1, step2, update]) {
      expect(carriesRetiredHistory(message(old, write), retired)).toBe(true);
      expect(carriesRetiredHistory(message(fresh, write), retired)).toBe(false);
    }
    expect(carriesRetiredHistory(message(old, step1), new Set())).toBe(false);
  });
});
