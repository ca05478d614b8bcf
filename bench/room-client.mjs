// A y-partyserver client for load tests: the provider's wire protocol over
// `ws`, without its timers, awareness or reconnects. A full client applies
// every message (an observer); an editor syncs once and from then on only
// steps over what the room sends, so a hundred of them cost the load process
// little more than reading their sockets.
//
// Editors of one room share one local Y.Doc (`editorDoc()`), each writing
// under its own clientID. An editor only ever changes its own card and never
// applies a peer's update, so its transactions encode to exactly the updates
// a Y.Doc of its own would send (same client, clocks, origins and deletes),
// while the load process holds one copy of the board instead of a hundred
// (~0.9 MB each for 100 cards, whose garbage collection pauses otherwise
// land in the latencies).
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as sync from "y-protocols/sync";
import * as Y from "yjs";

const MESSAGE_SYNC = 0;
const CUSTOM_PREFIX = "__YPS:";
let nextId = 0;

export function roomUrl(url, party, room, token) {
  const u = new URL(`/parties/${party}/${encodeURIComponent(room)}`, url);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  u.searchParams.set("_pk", `bench-${process.pid}-${nextId++}`);
  if (token) u.searchParams.set("token", token);
  return u.toString();
}

/** A fresh random Yjs client id, as Y.Doc picks them. */
const newClientId = () => (Math.random() * 2 ** 32) >>> 0;

/**
 * The local document editors of one room share. `as(editor, fn)` runs `fn`
 * as one transaction under the editor's clientID and sends the resulting
 * update on the editor's socket.
 */
export function editorDoc() {
  const doc = new Y.Doc();
  let author = null;
  doc.on("update", (update) => {
    if (author) author.sendUpdate(update);
  });
  return {
    doc,
    deals: doc.getMap("deals"),
    as(editor, fn) {
      author = editor;
      doc.clientID = editor.clientID;
      try {
        doc.transact(fn);
      } finally {
        author = null;
        doc.clientID = newClientId();
      }
    },
  };
}

/**
 * Opens a socket to a room and syncs a Y.Doc with it: a fresh one, or for an
 * editor (`full: false`) the shared `editors.doc`, whose state vector makes
 * the room send only what it lacks. Local transactions on a full client's
 * doc are sent as sync updates; an editor sends through `editors.as()`.
 * Resolves `synced` on the room's sync step 2.
 */
export function openRoomClient({ url, party, room, token, full = true, editors = null, perMessageDeflate = false }) {
  if (!full && !editors) throw new Error("an editor needs the shared editorDoc()");
  const doc = full ? new Y.Doc() : editors.doc;
  const ws = new WebSocket(roomUrl(url, party, room, token), { perMessageDeflate });
  let resolveSynced;
  let rejectSynced;
  const client = {
    doc,
    deals: doc.getMap("deals"),
    ws,
    full,
    clientID: full ? doc.clientID : newClientId(),
    isSynced: false,
    /** Custom messages from the room (`__YPS:` JSON), e.g. edit_rejected or board_reset. */
    events: [],
    received: { messages: 0, bytes: 0, dropped: 0 },
    sent: { messages: 0, bytes: 0 },
    closed: null,
    synced: new Promise((resolve, reject) => {
      resolveSynced = resolve;
      rejectSynced = reject;
    }),
    send(bytes) {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(bytes);
      client.sent.messages++;
      client.sent.bytes += bytes.byteLength;
      return true;
    },
    sendUpdate(update) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      sync.writeUpdate(encoder, update);
      return client.send(encoding.toUint8Array(encoder));
    },
    close() {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
    },
    /**
     * Editors, once synced and quiet: read the socket's bytes and step over
     * whole frames without ws's parser (no buffer per frame, no event per
     * message), keeping only text frames (the room's custom messages). Relies
     * on ws internals (`_socket`, `_receiver`); answers false, and leaves ws
     * reading, when they are not as expected or a frame is half read.
     */
    skipFrames() {
      const socket = ws._socket;
      if (client.full || !client.isSynced || !socket || ws._receiver?._bufferedBytes !== 0) return false;
      for (const listener of socket.listeners("data")) socket.removeListener("data", listener);
      socket.on("data", frameSkipper(client, socket));
      return true;
    },
  };
  client.synced.catch(() => {});

  if (full) {
    doc.on("update", (update, origin) => {
      if (origin !== client) client.sendUpdate(update);
    });
  }

  ws.on("open", () => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    sync.writeSyncStep1(encoder, doc);
    client.send(encoding.toUint8Array(encoder));
  });

  ws.on("message", (data, isBinary) => {
    if (!isBinary) {
      const text = data.toString();
      if (text.startsWith(CUSTOM_PREFIX)) {
        try {
          client.events.push(JSON.parse(text.slice(CUSTOM_PREFIX.length)));
        } catch {
          // not JSON: ignore
        }
      }
      return;
    }
    client.received.messages++;
    client.received.bytes += data.length;
    if (!client.full && client.isSynced) {
      client.received.dropped++;
      return;
    }
    const decoder = decoding.createDecoder(data);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return; // awareness: not needed here
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    const kind = sync.readSyncMessage(decoder, encoder, doc, client);
    if (encoding.length(encoder) > 1) client.send(encoding.toUint8Array(encoder));
    if (kind === sync.messageYjsSyncStep2 && !client.isSynced) {
      client.isSynced = true;
      resolveSynced();
    }
  });

  ws.on("close", (code, reason) => {
    if (client.closed) return;
    client.closed = { code, reason: reason.toString() };
    rejectSynced(new Error(`room closed the socket: ${code} ${client.closed.reason}`));
  });
  ws.on("error", (err) => rejectSynced(err));
  return client;
}

/** A `data` listener that counts server frames and collects text ones, reading only their headers. */
export function frameSkipper(client, socket) {
  const header = [];
  let skip = 0;
  let frameOp = 0; // opcode of the frame being read
  let fin = true;
  let messageOp = 0; // opcode of the message its data frames belong to
  let text = null;
  const endOfFrame = () => {
    if (frameOp === 8) {
      client.closed ??= { code: 1005, reason: "closed by the room" };
      socket.end();
      return;
    }
    if (frameOp >= 8 || !fin) return; // ping/pong, or more fragments to come
    if (messageOp === 2) {
      client.received.messages++;
      client.received.dropped++;
    } else if (messageOp === 1 && text) {
      const message = Buffer.concat(text).toString();
      text = null;
      if (message.startsWith(CUSTOM_PREFIX)) {
        try {
          client.events.push(JSON.parse(message.slice(CUSTOM_PREFIX.length)));
        } catch {
          // not JSON
        }
      }
    }
  };
  return (chunk) => {
    client.received.bytes += chunk.length;
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        if (text && frameOp < 8) text.push(chunk.subarray(i, i + n));
        skip -= n;
        i += n;
        if (skip === 0) endOfFrame();
        continue;
      }
      header.push(chunk[i++]);
      if (header.length < 2) continue;
      const len7 = header[1] & 0x7f;
      const need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (header[1] & 0x80 ? 4 : 0);
      if (header.length < need) continue;
      skip = len7 === 126 ? (header[2] << 8) | header[3] : len7 === 127 ? header.slice(2, 10).reduce((a, b) => a * 256 + b, 0) : len7;
      fin = (header[0] & 0x80) !== 0;
      frameOp = header[0] & 0x0f;
      if (frameOp === 1 || frameOp === 2) {
        messageOp = frameOp;
        text = frameOp === 1 ? [] : null;
      }
      header.length = 0;
      if (skip === 0) endOfFrame();
    }
  };
}
