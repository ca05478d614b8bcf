import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { FAKE_ARI, type FakeOrigination } from "./ari-fixtures";

/**
 * A local stand-in for Asterisk's REST Interface (ARI) speaking its wire
 * format: HTTP basic auth, JSON resources under /ari, `{"message": ...}`
 * errors, and `{"error": "Authentication required"}` with 401 from the HTTP
 * server on bad credentials. Started by the workerd tests' globalSetup
 * (ari-server.ts) and by browser tests that need a PBX.
 */

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function authorized(req: IncomingMessage): boolean {
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
  if (!match) return false;
  return Buffer.from(match[1]!, "base64").toString("utf8") === `${FAKE_ARI.username}:${FAKE_ARI.password}`;
}

const TECHNOLOGIES = new Set(["PJSIP", "SIP", "IAX2"]);
const originations = new Map<string, FakeOrigination>();
/** Channels hung up through DELETE /ari/channels/{id}, with the reason given. */
const hangups = new Map<string, string>();
let channelSeq = 0;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

/** POST /ari/channels as Asterisk answers it: the new Channel, or ARI's `{"message"}` errors. */
async function originate(req: IncomingMessage, res: ServerResponse, url: URL) {
  const query = Object.fromEntries(url.searchParams);
  let body: { variables?: Record<string, string> } = {};
  const text = await readBody(req);
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      return json(res, 400, { message: "Failed to parse request body" });
    }
  }
  if (!query.endpoint) return json(res, 400, { message: "Endpoint must be specified" });
  const [tech, resource] = query.endpoint.split("/", 2);
  if (!TECHNOLOGIES.has(tech!) || !resource) return json(res, 400, { message: "Invalid endpoint specified" });
  if (query.app && query.extension) return json(res, 400, { message: "Option 'app' is mutually exclusive with 'extension', 'context', and 'priority'" });
  if (resource === FAKE_ARI.unreachableExtension) return json(res, 500, { message: "Allocation failed" });
  const id = query.channelId || `${Date.now() / 1000}.${channelSeq}`;
  if (originations.has(id)) return json(res, 409, { message: "Channel with given unique ID already exists" });
  originations.set(id, { query, variables: body.variables ?? {}, authorization: req.headers.authorization ?? "" });
  const [, name = "", number = ""] = /^"?([^"<]*)"?\s*<([^>]*)>$/.exec(query.callerId ?? "") ?? [];
  return json(res, 200, {
    id,
    name: `${query.endpoint}-${(++channelSeq).toString(16).padStart(8, "0")}`,
    state: "Down",
    protocol_id: "",
    caller: { name: name.trim(), number },
    connected: { name: "", number: "" },
    accountcode: "",
    dialplan: { context: query.context ?? "default", exten: query.extension ?? "s", priority: Number(query.priority ?? 1), app_name: "", app_data: "" },
    creationtime: new Date().toISOString().replace("Z", "+0000"),
    language: "en",
  });
}

/** Event WebSocket clients by Stasis application name. */
const subscribers = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ noServer: true });

/** GET /ari/events upgrade: `api_key=user:password` (or basic auth) and `app` are required, as in Asterisk. */
function upgrade(req: IncomingMessage, socket: import("node:stream").Duplex, head: Buffer) {
  const url = new URL(req.url ?? "/", "http://fake");
  const refuse = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    socket.end(`HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : "Bad Request"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  };
  if (url.pathname !== "/ari/events") return refuse(400, { message: "Resource not found" });
  if (url.searchParams.get("api_key") !== `${FAKE_ARI.username}:${FAKE_ARI.password}` && !authorized(req)) return refuse(401, { error: "Authentication required" });
  const app = url.searchParams.get("app");
  if (!app) return refuse(400, { message: "Missing parameter app" });
  wss.handleUpgrade(req, socket, head, (ws) => {
    const set = subscribers.get(app) ?? new Set();
    set.add(ws);
    subscribers.set(app, set);
    ws.on("close", () => set.delete(ws));
  });
}

/** Test hooks (not ARI): push events to an application's sockets, count or drop its sockets. */
async function eventHooks(req: IncomingMessage, res: ServerResponse, url: URL) {
  const app = url.searchParams.get("app") ?? "";
  const sockets = subscribers.get(app) ?? new Set<WebSocket>();
  if (url.pathname === "/__fake/events/clients") return json(res, 200, { clients: sockets.size });
  if (url.pathname === "/__fake/events/drop") {
    for (const ws of sockets) ws.terminate();
    return json(res, 200, { dropped: sockets.size });
  }
  const events = JSON.parse(await readBody(req)) as Record<string, unknown>[];
  for (const ws of sockets) for (const event of events) ws.send(JSON.stringify({ application: app, asterisk_id: "02:42:ac:11:00:02", ...event }));
  return json(res, 200, { delivered: sockets.size });
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://fake");
  if (url.pathname.startsWith("/__fake/events")) {
    eventHooks(req, res, url).catch((err) => json(res, 500, { message: String(err) }));
    return;
  }
  // Test hook, not ARI: whether (and why) a channel was hung up.
  const hungUp = /^\/__fake\/hangups\/(.+)$/.exec(url.pathname);
  if (hungUp) {
    const reason = hangups.get(decodeURIComponent(hungUp[1]!));
    return reason ? json(res, 200, { reason }) : json(res, 404, { message: "Not hung up" });
  }
  // Test hook, not ARI: what the fake received for one origination.
  const recorded = /^\/__fake\/originations\/(.+)$/.exec(url.pathname);
  if (recorded) {
    const found = originations.get(decodeURIComponent(recorded[1]!));
    return found ? json(res, 200, found) : json(res, 404, { message: "Not recorded" });
  }
  if (!authorized(req)) {
    res.setHeader("www-authenticate", 'Basic realm="Asterisk REST Interface"');
    return json(res, 401, { error: "Authentication required" });
  }
  if (req.method === "GET" && url.pathname === "/ari/asterisk/info") {
    return json(res, 200, {
      build: { os: "Linux", kernel: "6.1.0", machine: "x86_64", options: "", date: "2026-01-01 00:00:00 UTC", user: "root" },
      system: { version: FAKE_ARI.version, entity_id: "02:42:ac:11:00:02" },
      config: { name: "", default_language: "en", setid: { user: "asterisk", group: "asterisk" } },
      status: { startup_time: "2026-11-26T00:00:00.000+0000", last_reload_time: "2026-11-26T00:00:00.000+0000" },
    });
  }
  const channel = /^\/ari\/channels\/([^/]+)$/.exec(url.pathname);
  if (req.method === "DELETE" && channel) {
    // Channels this fake originated are up until hung up once; Asterisk answers 404 for any other.
    const id = decodeURIComponent(channel[1]!);
    if (!originations.has(id) || hangups.has(id)) return json(res, 404, { message: "Channel not found" });
    const reason = url.searchParams.get("reason") ?? "normal";
    if (!["normal", "busy", "congestion", "no_answer", "timeout", "rejected", "unallocated", "normal_unspecified", "number_incomplete", "codec_mismatch", "interworking", "failure", "answered_elsewhere"].includes(reason)) {
      return json(res, 400, { message: "Invalid reason for hangup specified" });
    }
    hangups.set(id, reason);
    res.writeHead(204);
    return res.end();
  }
  if (req.method === "POST" && url.pathname === "/ari/channels") {
    originate(req, res, url).catch((err) => json(res, 500, { message: String(err) }));
    return;
  }
  return json(res, 404, { message: "Resource not found" });
}

/** Starts the fake on a free port of 127.0.0.1. */
export async function startFakeAri(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(handle);
  server.on("upgrade", upgrade);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        server.close(() => resolve());
      }),
  };
}
