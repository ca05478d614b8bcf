// Node Yjs clients for the benchmarks, speaking y-partyserver's protocol over `ws`.
import YProvider from "y-partyserver/provider";
import WebSocket from "ws";
import * as Y from "yjs";

export function connect(url, party, room, token) {
  const doc = new Y.Doc();
  const provider = new YProvider(new URL(url).host, room, doc, {
    party,
    WebSocketPolyfill: WebSocket,
    disableBc: true,
    ...(token ? { params: { token } } : {}),
  });
  const events = [];
  provider.on("custom-message", (text) => events.push(JSON.parse(text)));
  const synced = new Promise((resolve) => {
    if (provider.synced) resolve();
    else provider.once("synced", resolve);
  });
  return { doc, provider, events, synced, deals: doc.getMap("deals") };
}

export async function api(url, path, { token, body, method } = {}) {
  const res = await fetch(`${url}${path}`, {
    method: method ?? (body ? "POST" : "GET"),
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json();
  if (!json.success) throw new Error(`${path}: ${JSON.stringify(json.error)}`);
  return json.data;
}

/** Waits until `check()` holds, re-testing on every change of `map` (deep). */
export function whenChanged(map, check) {
  return new Promise((resolve) => {
    if (check()) return resolve();
    const handler = () => {
      if (check()) {
        map.unobserveDeep(handler);
        resolve();
      }
    };
    map.observeDeep(handler);
  });
}
