import * as Y from "yjs";
import { freshBoardState } from "./board-cards";
import type { DocStore } from "./doc-store";

/**
 * When the board document is squashed (replaced by a history-free copy, see
 * `DocStore.squash`) and how clients learn about it.
 *
 * Every `Y.Map.set` overwrite leaves a deleted item behind, so a busy board
 * grows without bound in memory: measured with 5,000 cards, a fresh document
 * encodes to 3.1 MiB and takes ~46 MB of heap, and each round of edits over
 * every card (amount, stage, position) adds ~0.15 MiB and ~3 MB. History
 * costs more heap per encoded byte than content, so the allowance is kept
 * small: the room squashes once the history exceeds 10% of the content (or
 * the floor, whichever is larger). A 5,000-card board then peaks near 52 MB of
 * its 128 MB; below the floor (256 KiB, ~5 MB of heap) a squash would cost
 * clients a reload for nothing.
 */
export const SQUASH_MIN_BYTES = 256 * 1024;
export const SQUASH_HISTORY_RATIO = 0.1;

/** The history allowance above a fresh copy of `freshBytes`. */
export function squashAllowance(freshBytes: number, minBytes = SQUASH_MIN_BYTES): number {
  return Math.max(minBytes, freshBytes * SQUASH_HISTORY_RATIO);
}

/** Whether a document of `encodedBytes` carries more history than allowed over a fresh copy of `freshBytes`. */
export function squashDue(encodedBytes: number, freshBytes: number, minBytes = SQUASH_MIN_BYTES): boolean {
  return encodedBytes - freshBytes > squashAllowance(freshBytes, minBytes);
}

/**
 * After a compaction (the snapshot's size is then the document's exact
 * encoded size): the fresh state to squash into, or null. A fresh copy is only
 * built when the size outgrew the last measured fresh size by more than the
 * allowance; when the content itself grew, its new size is remembered instead.
 */
export function freshStateIfDue(store: DocStore, deals: Y.Map<Y.Map<unknown>>, minBytes: number): Uint8Array | null {
  const encoded = store.stats().snapshotBytes;
  if (!squashDue(encoded, store.freshBytes, minBytes)) return null;
  const fresh = freshBoardState(deals);
  if (squashDue(encoded, fresh.byteLength, minBytes)) return fresh;
  store.noteFreshBytes(fresh.byteLength);
  return null;
}

/**
 * The room's save step: compacts when the log is due, or when the board may
 * carry too much history (snapshot plus log overestimates the document, since
 * the log repeats what later updates replaced, so it only says "maybe"; the
 * compaction gives the exact size `freshStateIfDue` judges). Squashes only if
 * `canSquash`, i.e. no client edit is waiting to be judged again. Answers the
 * new epoch, or null when the document was not replaced.
 */
export function compactAndSquash(
  store: DocStore,
  doc: Y.Doc,
  board: { readonly deals: Y.Map<Y.Map<unknown>> },
  minBytes: number,
  canSquash: boolean,
  room: string,
): number | null {
  const { snapshotBytes, logBytes } = store.stats();
  const maybe = canSquash && squashDue(snapshotBytes + logBytes, store.freshBytes, minBytes);
  if (!store.shouldCompact() && !maybe) return null;
  store.compact(doc);
  if (!canSquash) return null;
  const fresh = freshStateIfDue(store, board.deals, minBytes);
  if (!fresh) return null;
  const from = store.stats().snapshotBytes;
  const epoch = store.squash(fresh, doc);
  console.log(JSON.stringify({ level: "info", msg: "board squashed", room, epoch, from, to: fresh.byteLength }));
  return epoch;
}

/** `BOARD_SQUASH_MIN_BYTES` from the environment, if it is a sane positive integer. */
export function squashMinBytes(configured: unknown): number {
  const n = typeof configured === "string" || typeof configured === "number" ? Number(configured) : NaN;
  return Number.isInteger(n) && n > 0 ? n : SQUASH_MIN_BYTES;
}
