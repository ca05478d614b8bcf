// CPU profiles of the bench Worker's isolate (where its Durable Objects run)
// over the Chrome DevTools protocol that `wrangler dev --inspector-port`
// serves, summarized by original source file through the bundle's source map.
// Used by the editors benchmark with BENCH_PROFILE=1 to show where a room's
// time per update goes.
import { existsSync, readFileSync } from "node:fs";
import WebSocket from "ws";

/** Connects to the inspector; `start()` / `stop()` take one profile at a time. */
export async function openProfiler(inspectorPort, intervalUs = 250) {
  const targets = await fetch(`http://127.0.0.1:${inspectorPort}/json`).then((r) => r.json());
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  let id = 0;
  const pending = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
    }
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      pending.set(n, (msg) => (msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result)));
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: intervalUs });
  return {
    start: () => call("Profiler.start"),
    stop: async () => (await call("Profiler.stop")).profile,
    close: () => ws.close(),
  };
}

// ---- source map (VLQ mappings), enough to name a bundle position's source file ----

const B64 = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

function decodeSegment(text) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const digit = B64.get(c);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** Per generated line, sorted [column, sourceIndex] pairs. */
export function loadSourceMap(file) {
  if (!existsSync(file)) return null;
  const map = JSON.parse(readFileSync(file, "utf8"));
  const lines = [];
  let source = 0;
  for (const line of map.mappings.split(";")) {
    let column = 0;
    const segs = [];
    for (const seg of line.split(",")) {
      if (!seg) continue;
      const v = decodeSegment(seg);
      column += v[0];
      if (v.length >= 4) {
        source += v[1];
        segs.push([column, source]);
      }
    }
    lines.push(segs);
  }
  return { lines, sources: map.sources };
}

function sourceAt(map, line, column) {
  const segs = map?.lines[line];
  if (!segs?.length) return null;
  let lo = 0;
  let hi = segs.length - 1;
  if (segs[0][0] > column) return map.sources[segs[0][1]];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segs[mid][0] <= column) lo = mid;
    else hi = mid - 1;
  }
  return map.sources[segs[lo][1]];
}

/** A short name for a bundled source: `yjs`, `partyserver`, `rooms/org-room.ts`… */
function group(source) {
  if (!source) return "?";
  const nm = source.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = source.slice(nm + 13).split("/");
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const m = /(?:^|\/)((?:rooms|worker|schema|bench)\/.*)$/.exec(source);
  return m ? m[1] : source.split("/").slice(-2).join("/");
}

/**
 * Self time by source (native frames by function name) and inclusive time of
 * the project's own functions, summed over `profiles`, in ms.
 */
export function summarizeProfiles(profiles, map) {
  const self = new Map();
  const inclusive = new Map();
  let busyMs = 0;
  for (const p of profiles) {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const info = new Map();
    const describe = (n) => {
      if (!info.has(n.id)) {
        const { functionName, url, lineNumber, columnNumber } = n.callFrame;
        const native = !url || lineNumber < 0;
        const source = native ? null : group(map ? sourceAt(map, lineNumber, columnNumber) : url);
        const own = source && /^(rooms|worker|schema|bench)\//.test(source);
        info.set(n.id, {
          group: native ? `native ${functionName || "(anonymous)"}` : source,
          fn: own ? `${functionName || "(anonymous)"} (${source})` : null,
        });
      }
      return info.get(n.id);
    };
    for (let i = 0; i < p.samples.length; i++) {
      const node = byId.get(p.samples[i]);
      const ms = (p.timeDeltas[i] ?? 0) / 1000;
      if (node.callFrame.functionName === "(idle)") continue;
      busyMs += ms;
      const g = describe(node).group;
      self.set(g, (self.get(g) ?? 0) + ms);
      const seen = new Set();
      for (let cur = node.id; cur !== undefined; cur = parent.get(cur)) {
        const fn = describe(byId.get(cur)).fn;
        if (fn && !seen.has(fn)) {
          seen.add(fn);
          inclusive.set(fn, (inclusive.get(fn) ?? 0) + ms);
        }
      }
    }
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]);
  return { busyMs, self: sorted(self), inclusive: sorted(inclusive) };
}
