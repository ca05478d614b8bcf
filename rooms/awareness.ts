import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { Connection, WSMessage } from "partyserver";

const MESSAGE_AWARENESS = 1;
/** Where y-partyserver keeps, in a connection's state, the awareness client ids that socket announced. */
const AWARENESS_IDS_KEY = "__ypsAwarenessIds";

/** Who a socket is, as the room verified it. */
export interface Speaker {
  userId: string;
  name: string;
}

interface Entry {
  clientId: number;
  clock: number;
  state: unknown;
}

type Announcer = Connection<{ [AWARENESS_IDS_KEY]?: number[]; userId?: string } | null>;

/**
 * Binds a client's awareness (presence) message to its socket before
 * y-partyserver applies and relays it: every state's `user` becomes the
 * socket's verified member, so no one can appear as someone else, and
 * states of awareness clients another member's socket announced are
 * dropped, so no one can change or remove someone else's presence. A
 * member's new socket may take over their own client (a tab reconnecting
 * while its old socket still hangs). Answers the message to handle, or
 * null when nothing in it may be applied. Other messages pass unchanged.
 */
export function bindAwareness(
  message: WSMessage,
  connection: Connection,
  speaker: Speaker | null,
  connections: Iterable<Connection>,
): WSMessage | null {
  if (typeof message === "string") return message;
  const bytes = message instanceof ArrayBuffer ? new Uint8Array(message) : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
  const decoder = decoding.createDecoder(bytes);
  let entries: Entry[];
  try {
    if (decoding.readVarUint(decoder) !== MESSAGE_AWARENESS) return message;
    entries = readEntries(decoding.readVarUint8Array(decoder));
  } catch {
    return null;
  }
  if (!speaker) return null;
  const own = new Set((connection as Announcer).state?.[AWARENESS_IDS_KEY]);
  // A socket mostly speaks for the one client it announced already; only others need the room-wide lookup.
  const announcers = entries.every((e) => own.has(e.clientId)) ? new Map<number, Announcer>() : announcersOf(connections, connection);
  const kept: Entry[] = [];
  for (const entry of entries) {
    const announcer = announcers.get(entry.clientId);
    if (announcer && announcer.state?.userId !== speaker.userId) continue;
    if (entry.state === null) {
      kept.push(entry);
      continue;
    }
    if (typeof entry.state !== "object" || Array.isArray(entry.state)) continue;
    if (announcer) handOver(announcer, connection as Announcer, entry.clientId);
    kept.push({ ...entry, state: { ...entry.state, user: { id: speaker.userId, name: speaker.name } } });
  }
  return kept.length ? writeMessage(kept) : null;
}

function readEntries(update: Uint8Array): Entry[] {
  const decoder = decoding.createDecoder(update);
  const entries: Entry[] = [];
  for (let n = decoding.readVarUint(decoder); n > 0; n--) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(decoder)) as unknown });
  }
  return entries;
}

function writeMessage(entries: Entry[]): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(update, clientId);
    encoding.writeVarUint(update, clock);
    encoding.writeVarString(update, JSON.stringify(state));
  }
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}

/** Awareness client id → the other open socket that announced it. */
function announcersOf(connections: Iterable<Connection>, self: Connection): Map<number, Announcer> {
  const byClient = new Map<number, Announcer>();
  for (const conn of connections as Iterable<Announcer>) {
    if (conn.id === self.id) continue;
    for (const clientId of conn.state?.[AWARENESS_IDS_KEY] ?? []) byClient.set(clientId, conn);
  }
  return byClient;
}

/**
 * The new socket answers for the client from now on: closing the old one
 * must not remove a presence that is still live, and closing the new one must.
 */
function handOver(from: Announcer, to: Announcer, clientId: number) {
  from.setState((prev) => ({ ...prev, [AWARENESS_IDS_KEY]: (prev?.[AWARENESS_IDS_KEY] ?? []).filter((id) => id !== clientId) }));
  to.setState((prev) => ({ ...prev, [AWARENESS_IDS_KEY]: [...new Set([...(prev?.[AWARENESS_IDS_KEY] ?? []), clientId])] }));
}
