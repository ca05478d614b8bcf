import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DocStore } from "../../../rooms/doc-store";
import { unique } from "../../helpers";

/** Runs `fn` against the SQLite storage of a fresh, otherwise unused room. */
function inFreshStorage<T>(fn: (storage: DurableObjectStorage) => T | Promise<T>) {
  const stub = env.ORG_ROOM.get(env.ORG_ROOM.idFromName(unique("store")));
  return runInDurableObject(stub, (_instance, state) => fn(state.storage));
}

const rowCount = (storage: DurableObjectStorage, table: string) =>
  storage.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;

describe("DocStore", () => {
  it("restores a document from its update log", async () => {
    await inFreshStorage((storage) => {
      const store = new DocStore(storage, "t");
      const doc = new Y.Doc();
      doc.on("update", (u: Uint8Array) => store.append(u));
      doc.getMap("m").set("a", 1);
      doc.getText("t").insert(0, "hello");
      const restored = new Y.Doc();
      new DocStore(storage, "t").load(restored);
      expect(restored.getMap("m").get("a")).toBe(1);
      expect(restored.getText("t").toString()).toBe("hello");
    });
  });

  it("compacts the log into a snapshot once it outgrows it, losing nothing", async () => {
    await inFreshStorage((storage) => {
      const store = new DocStore(storage, "c");
      const doc = new Y.Doc();
      doc.on("update", (u: Uint8Array) => store.append(u));
      for (let i = 0; i < 400; i++) doc.getMap("m").set(`k${i % 20}`, i);
      expect(store.shouldCompact()).toBe(true);
      store.compact(doc);
      expect(store.shouldCompact()).toBe(false);
      expect(rowCount(storage, "ydoc_updates")).toBe(0);
      expect(store.stats().generation).toBe(1);
      doc.getMap("m").set("after", true);
      const restored = new Y.Doc();
      new DocStore(storage, "c").load(restored);
      expect(restored.getMap("m").toJSON()).toEqual(doc.getMap("m").toJSON());
      expect(restored.getMap("m").get("after")).toBe(true);
    });
  });

  it("keeps only the newest snapshot generation", async () => {
    await inFreshStorage((storage) => {
      const store = new DocStore(storage, "g");
      const doc = new Y.Doc();
      doc.on("update", (u: Uint8Array) => store.append(u));
      for (let round = 0; round < 3; round++) {
        doc.getText("t").insert(0, `round ${round} `);
        store.compact(doc);
      }
      const gens = storage.sql.exec<{ gen: number }>(`SELECT DISTINCT gen FROM ydoc_snapshots WHERE doc = 'g'`).toArray();
      expect(gens).toEqual([{ gen: 3 }]);
    });
  });

  it("splits updates and snapshots larger than a row may hold", async () => {
    await inFreshStorage((storage) => {
      const store = new DocStore(storage, "big");
      const doc = new Y.Doc();
      doc.on("update", (u: Uint8Array) => store.append(u));
      const text = "x".repeat(3 * 1024 * 1024);
      doc.getText("t").insert(0, text);
      expect(rowCount(storage, "ydoc_updates")).toBeGreaterThan(1);
      const fromLog = new Y.Doc();
      new DocStore(storage, "big").load(fromLog);
      expect(fromLog.getText("t").length).toBe(text.length);
      store.compact(doc);
      const fromSnapshot = new Y.Doc();
      new DocStore(storage, "big").load(fromSnapshot);
      expect(fromSnapshot.getText("t").length).toBe(text.length);
    });
  });

  it("squashes into a new epoch: the fresh state replaces snapshot and log in one step, and the epoch persists", async () => {
    await inFreshStorage((storage) => {
      const store = new DocStore(storage, "s");
      const doc = new Y.Doc();
      doc.on("update", (u: Uint8Array) => store.append(u));
      for (let i = 0; i < 200; i++) doc.getMap("m").set(`k${i % 5}`, i);
      store.compact(doc);
      doc.getMap("m").set("late", true);
      const fresh = new Y.Doc();
      fresh.getMap("m").set("only", "current");
      const state = Y.encodeStateAsUpdate(fresh);
      expect(store.epoch).toBe(0);
      expect(store.squash(state, doc)).toBe(1);
      expect([...store.retiredClients()]).toEqual([doc.clientID]);
      expect(rowCount(storage, "ydoc_updates")).toBe(0);
      expect(storage.sql.exec(`SELECT DISTINCT gen FROM ydoc_snapshots WHERE doc = 's'`).toArray()).toEqual([{ gen: 2 }]);
      const reopened = new DocStore(storage, "s");
      expect(reopened.stats()).toMatchObject({ epoch: 1, freshBytes: state.byteLength, logRows: 0 });
      const restored = new Y.Doc();
      reopened.load(restored);
      expect(restored.getMap("m").toJSON()).toEqual({ only: "current" });
      reopened.noteFreshBytes(123);
      expect(new DocStore(storage, "s").stats()).toMatchObject({ epoch: 1, freshBytes: 123 });
      expect(new DocStore(storage, "other").epoch).toBe(0);
    });
  });

  it("keeps documents of different names apart", async () => {
    await inFreshStorage((storage) => {
      const one = new Y.Doc();
      const s1 = new DocStore(storage, "one");
      one.on("update", (u: Uint8Array) => s1.append(u));
      one.getMap("m").set("who", "one");
      const two = new Y.Doc();
      new DocStore(storage, "two").load(two);
      expect(two.getMap("m").size).toBe(0);
    });
  });
});
