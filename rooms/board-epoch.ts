import * as decoding from "lib0/decoding";
import * as Y from "yjs";

/**
 * Which document generation (epoch) a board client holds: after a squash
 * (board-squash.ts) clients of an earlier epoch must drop their copy, and
 * history from it must never be merged back.
 */
/**
 * The epoch a board client says its copy belongs to (`?epoch=N`); null when it
 * has no copy yet (first visit, or a client that keeps nothing), which just syncs.
 */
export function clientEpoch(url: string): number | null {
  const raw = new URL(url).searchParams.get("epoch");
  if (raw === null || raw === "") return null;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

/**
 * Whether a board sync message carries history from a retired epoch: a sync
 * step 1 whose state vector, or a step 2 / update whose structs, name a Yjs
 * client of an earlier epoch's document. Catches clients that keep their
 * document across a reset without claiming an epoch (y-partyserver's provider
 * reconnects with the same document by default).
 */
export function carriesRetiredHistory(message: ArrayBuffer | ArrayBufferView, retired: ReadonlySet<number>): boolean {
  if (retired.size === 0) return false;
  try {
    const bytes =
      message instanceof ArrayBuffer ? new Uint8Array(message) : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
    const decoder = decoding.createDecoder(bytes);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return false;
    const kind = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    const clients = kind === SYNC_STEP1 ? Y.decodeStateVector(payload).keys() : Y.parseUpdateMeta(payload).from.keys();
    for (const client of clients) if (retired.has(client)) return true;
    return false;
  } catch {
    return false;
  }
}

const MESSAGE_SYNC = 0;
const SYNC_STEP1 = 0;
