// Memory of the organization room's board with 5,000 open cards, after use
// (every card edited and moved several times, so the document carries
// history), against a 20-card board; then after more use, once the room has
// squashed the history away (a new board epoch, rooms/board-squash.ts). The
// document comes from the running room; its heap is measured in this
// process's V8 — the engine workerd runs — since a Durable Object does not
// report its own memory.
import v8 from "node:v8";
import vm from "node:vm";
import { generateKeyBetween } from "fractional-indexing";
import * as Y from "yjs";
import { connect, whenChanged } from "./clients.mjs";
import { fillBoard, register } from "./browser.mjs";

const DO_MEMORY_LIMIT_MB = 128;
/** schema/room-events.ts CLOSE.boardReset: the room squashed the board and closes every board socket. */
const CLOSE_BOARD_RESET = 4009;
const MAX_EXTRA_ROUNDS = 30;
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");

function heapUsed() {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** Heap held by a Y.Doc built from `state`, plus the room's plain-object baseline of every card. */
function measure(state) {
  const before = heapUsed();
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const afterDoc = heapUsed();
  const baseline = new Map();
  for (const [id, card] of doc.getMap("deals")) baseline.set(id, card.toJSON());
  const afterBaseline = heapUsed();
  const result = { docMb: (afterDoc - before) / 2 ** 20, baselineMb: (afterBaseline - afterDoc) / 2 ** 20, keep: [doc, baseline] };
  return result;
}

/** One round: every card gets an amount change and a move to the next stage. */
function editRound(client, stageIds) {
  client.doc.transact(() => {
    for (const card of client.deals.values()) {
      card.set("amount", card.get("amount") + 1);
      const next = stageIds[(stageIds.indexOf(card.get("stageId")) + 1) % stageIds.length];
      card.set("stageId", next);
      card.set("position", generateKeyBetween(card.get("position"), null));
    }
  });
}

/** Resolves once the room has applied everything the client sent so far (its answer to a flush). */
async function flushed(client) {
  const seq = Math.floor(Math.random() * 1e9);
  client.provider.sendMessage(JSON.stringify({ type: "board_flush", seq }));
  while (!client.events.some((e) => e.type === "board_epoch" && e.data.seq === seq)) {
    if (!client.provider.wsconnected) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const amounts = (deals) => [...deals.values()].reduce((n, c) => n + c.get("amount"), 0);

/** The board as a client without a copy gets it from the room (once it holds `expected` in amounts, if given). */
async function fetchState(url, auth, expected) {
  const peer = connect(url, "org-room", auth.organization.id, auth.accessToken);
  await peer.synced;
  if (expected !== undefined) await whenChanged(peer.deals, () => amounts(peer.deals) === expected);
  const state = Y.encodeStateAsUpdate(peer.doc);
  peer.provider.destroy();
  return state;
}

/** Edits every card `rounds` times through the room: an amount change and a move to the next stage. */
async function use(url, auth, rounds) {
  const client = connect(url, "org-room", auth.organization.id, auth.accessToken);
  await client.synced;
  const stageIds = [...new Set([...client.deals.values()].map((c) => c.get("stageId")))];
  for (let r = 0; r < rounds; r++) editRound(client, stageIds);
  const state = await fetchState(url, auth, amounts(client.deals));
  client.provider.destroy();
  return state;
}

/**
 * Edits every card a round at a time, each applied by the room (a flush) and
 * followed by the room's save debounce, until the room squashes the board (it
 * closes the socket with the reset code; the client then drops its copy, as
 * browsers do). Returns what the document would be after `rounds` rounds
 * without squashing (the same rounds on a local copy, which holds the same
 * history as the room's), the room's board after the squash, and how many
 * rounds it took.
 */
async function useUntilSquashed(url, auth, rounds) {
  const client = connect(url, "org-room", auth.organization.id, auth.accessToken);
  let reset = false;
  client.provider.on("connection-close", (event) => {
    if (event?.code !== CLOSE_BOARD_RESET) return;
    reset = true;
    client.provider.destroy();
  });
  await client.synced;
  const unbounded = new Y.Doc();
  Y.applyUpdate(unbounded, Y.encodeStateAsUpdate(client.doc));
  const stageIds = [...new Set([...client.deals.values()].map((c) => c.get("stageId")))];
  let total = 0;
  while (!reset && total < rounds + MAX_EXTRA_ROUNDS) {
    // What the room would hold without squashing: the same edits on an unsquashed copy.
    if (total < rounds) editRound({ doc: unbounded, deals: unbounded.getMap("deals") }, stageIds);
    editRound(client, stageIds);
    total++;
    await flushed(client);
    // The room saves (and may squash) after its 2 s debounce.
    await new Promise((r) => setTimeout(r, 2500));
  }
  if (!reset) throw new Error(`the room did not squash the board within ${rounds + MAX_EXTRA_ROUNDS} rounds`);
  for (let r = total; r < rounds; r++) editRound({ doc: unbounded, deals: unbounded.getMap("deals") }, stageIds);
  // A round in flight when the room squashed is dropped with the socket (a browser replays it): take the board as it is.
  return { unbounded: Y.encodeStateAsUpdate(unbounded), state: await fetchState(url, auth), rounds: total };
}

export async function benchBoardMemory({ url, cards = 5000, rounds = 5 }) {
  const big = await register(url, "Memory Board");
  const small = await register(url, "Memory Baseline");
  await fillBoard(url, big, cards);
  await fillBoard(url, small, 20);
  const squashed = await useUntilSquashed(url, big, rounds);
  const bigState = squashed.unbounded;
  const smallState = await use(url, small, rounds);
  const b = measure(bigState);
  const s = measure(smallState);
  const total = b.docMb + b.baselineMb;
  console.log(`\nBoard memory: the board document after ${rounds} edits and moves of every card, without squashing (V8 heap)`);
  console.log(`  20 cards (baseline): encoded ${(smallState.byteLength / 1024).toFixed(1)} KiB, Y.Doc ${s.docMb.toFixed(2)} MB, card baseline ${s.baselineMb.toFixed(2)} MB`);
  console.log(`  ${cards} cards:        encoded ${(bigState.byteLength / 2 ** 20).toFixed(2)} MiB, Y.Doc ${b.docMb.toFixed(1)} MB, card baseline ${b.baselineMb.toFixed(1)} MB`);
  console.log(`  total ${total.toFixed(1)} MB of the ${DO_MEMORY_LIMIT_MB} MB Durable Object limit (${((total / DO_MEMORY_LIMIT_MB) * 100).toFixed(0)}%)`);
  b.keep = s.keep = null;
  const a = measure(squashed.state);
  const after = a.docMb + a.baselineMb;
  console.log(`  the room squashed the history (new epoch) after ${squashed.rounds} rounds; its board then:`);
  console.log(`  ${cards} cards:        encoded ${(squashed.state.byteLength / 2 ** 20).toFixed(2)} MiB, Y.Doc ${a.docMb.toFixed(1)} MB, card baseline ${a.baselineMb.toFixed(1)} MB`);
  console.log(`  total ${after.toFixed(1)} MB (${((after / DO_MEMORY_LIMIT_MB) * 100).toFixed(0)}%), against ${total.toFixed(1)} MB unsquashed after ${rounds} rounds`);
  return {
    encodedBytes: bigState.byteLength, docMb: b.docMb, baselineMb: b.baselineMb,
    squashedBytes: squashed.state.byteLength, squashedDocMb: a.docMb, squashRounds: squashed.rounds,
  };
}
