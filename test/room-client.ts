import { exports } from "cloudflare:workers";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { BASE } from "./helpers";

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;

/**
 * A minimal Yjs client speaking y-partyserver's wire protocol over a workerd
 * WebSocket, so tests drive the real room exactly as a browser would.
 */
export class RoomClient {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly events: { type: string; data: any; at: string }[] = [];
  closed: { code: number; reason: string } | null = null;
  synced = false;
  private inbox: Promise<void> = Promise.resolve();

  constructor(readonly ws: WebSocket) {
    ws.accept();
    // Messages may arrive as Blobs; a queue keeps their order while converting.
    ws.addEventListener("message", (e) => {
      this.inbox = this.inbox.then(async () => this.onMessage(await toBytesOrText(e.data)));
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
    });
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, MESSAGE_SYNC);
      syncProtocol.writeUpdate(enc, update);
      this.send(encoding.toUint8Array(enc));
    });
    this.awareness.on("update", ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
      if (origin === this) return;
      const changed = [...added!, ...updated!, ...removed!];
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(enc, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
      this.send(encoding.toUint8Array(enc));
    });
    const enc = encoding.createEncoder();
    encoding.writeVarUint(enc, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(enc, this.doc);
    this.send(encoding.toUint8Array(enc));
  }

  private send(data: Uint8Array) {
    if (!this.closed) this.ws.send(data);
  }

  private onMessage(data: string | Uint8Array) {
    if (typeof data === "string") {
      if (data.startsWith("__YPS:")) this.events.push(JSON.parse(data.slice(6)));
      return;
    }
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, MESSAGE_SYNC);
      const kind = syncProtocol.readSyncMessage(decoder, enc, this.doc, this);
      if (kind === syncProtocol.messageYjsSyncStep2) this.synced = true;
      if (encoding.length(enc) > 1) this.send(encoding.toUint8Array(enc));
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
    }
  }

  close() {
    if (!this.closed) this.ws.close(1000, "done");
  }
}

async function toBytesOrText(data: unknown): Promise<string | Uint8Array> {
  if (typeof data === "string") return data;
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data as ArrayBuffer);
}

/** Waits for `check`; the default allows for a loaded CI machine (two test files at once on 2 cores), and a hang still ends. */
export async function until(check: () => boolean, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Opens a room socket; `params` adds query parameters (e.g. `{ epoch: "1" }` for a board copy's epoch). */
export async function openRoom(name: string, token?: string, party = "org-room", params: Record<string, string> = {}) {
  const query = new URLSearchParams(params);
  if (token !== undefined) query.set("token", token);
  const qs = query.size ? `?${query}` : "";
  const res = await exports.default.fetch(
    new Request(`${BASE}/parties/${party}/${name}${qs}`, { headers: { Upgrade: "websocket" } }),
  );
  return res;
}

/** Connects and waits until the first sync round trip is done. */
export async function joinRoom(
  name: string,
  token: string,
  party = "org-room",
  params: Record<string, string> = {},
): Promise<RoomClient> {
  const res = await openRoom(name, token, party, params);
  if (res.status !== 101 || !res.webSocket) throw new Error(`expected 101, got ${res.status}: ${await res.text()}`);
  const client = new RoomClient(res.webSocket);
  await until(() => client.synced || client.closed !== null, "initial sync");
  if (client.closed) throw new Error(`room closed the socket: ${client.closed.code} ${client.closed.reason}`);
  return client;
}
