// Many editors in one room, measured on the room rather than on the harness.
//
// For 25, 50 and 100 editors, each moves its own card to another stage twice
// a second with a real Yjs update: its own clientID, synced first, the fields
// the web app writes on a move (stageId, position, updatedAt, updatedBy).
// Editors never apply each other's updates: after the initial sync they step
// over what the room sends them without decoding it (room-client.mjs), so a
// hundred of them cost this one process about a quarter of a core. Three full
// observer clients apply everything and time each move from the editor's send
// to the moment the observer's document shows it (matched by card id and
// updatedAt).
//
// The organization room (auth, log, board rules, D1 projection) and a bare
// y-partyserver room (bench/worker.ts) take the same load in the same run, in
// alternating slices (bare, ours, ours, bare, …) so background load hits both
// alike; each mode (editors offering permessage-deflate, as browsers do, and
// not) gets a fresh organization. Afterwards: no move lost or seen twice,
// observers and editors agree on every card, and D1 holds each card's final
// stage and position.
//
// Where the time goes: each slice records this process's CPU and event-loop
// lag, the CPU the Worker's workerd used per move (its one thread runs every
// room, so CPU per move × moves per second is the share of a core the room
// needs), and the CPU everything else on the machine used. Sockets go to the
// Worker's workerd directly, past `wrangler dev`'s proxy. BENCH_PROFILE=1 adds
// CPU profiles of the isolate, summarized by source file and function.
//
// BENCH_EDITORS=25,50,100  BENCH_SECONDS=12 (per room per level)  BENCH_DEFLATE=1|0 (one mode only)
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { generateNKeysBetween } from "fractional-indexing";
import * as Y from "yjs";
import { api } from "./clients.mjs";
import { cpuWindow, directWorkerUrl } from "./proc-stats.mjs";
import { loadSourceMap, openProfiler, summarizeProfiles } from "./profile.mjs";
import { editorDoc, openRoomClient } from "./room-client.mjs";
import { summarize } from "./stats.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const PARTIES = { bare: "bare-room", ours: "org-room" };
const LABEL = { bare: "bare room", ours: "OrgRoom" };

async function until(check, timeoutMs, stepMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check()) && Date.now() < deadline) await sleep(stepMs);
  return check();
}

/** Opens `observers` full clients and `editors` editors on one room and waits for all to sync. */
async function openRoom({ url, party, room, token, observers, cardIds, deflate }) {
  // Observers are instruments: no compression, so that no inflate queue sits between the room and the clock.
  const obs = Array.from({ length: observers }, () => openRoomClient({ url, party, room, token, full: true }));
  const shared = editorDoc();
  const eds = [];
  // A few at a time, as a room's clients would arrive; a burst of 100 upgrades only measures the gate.
  for (let i = 0; i < cardIds.length; i += 10) {
    const batch = cardIds.slice(i, i + 10).map(() => openRoomClient({ url, party, room, token, full: false, editors: shared, perMessageDeflate: deflate }));
    await Promise.all(batch.map((c) => c.synced));
    eds.push(...batch);
  }
  await Promise.all(obs.map((c) => c.synced));
  const missing = eds.findIndex((e, i) => !(e.deals.get(cardIds[i]) instanceof Y.Map));
  if (missing >= 0) throw new Error(`editor ${missing} synced without its card ${cardIds[missing]}`);
  await until(() => obs.every((o) => cardIds.every((id) => o.deals.has(id))), 10_000);
  // From here on editors step over what the room sends them without decoding it.
  await sleep(200);
  const skipping = eds.filter((e) => e.skipFrames()).length;
  for (const e of eds) e.received.messages = 0;
  return { observers: obs, editors: eds, shared, skipping };
}

/**
 * Tracks every move from send to each observer's document: latency samples,
 * deliveries outstanding, duplicates, and updates no editor sent.
 */
function tracker(rooms) {
  const moves = new Map(); // `${room}:${card}:${updatedAt}` → { t0, seen: Set<observer index>, record }
  const t = { moves, samples: { bare: [], ours: [] }, timeline: { bare: [], ours: [] }, outstanding: 0, duplicates: { bare: 0, ours: 0 }, foreign: { bare: 0, ours: 0 } };
  for (const [name, room] of Object.entries(rooms)) {
    room.observers.forEach((observer, index) => {
      observer.deals.observeDeep((events) => {
        const now = performance.now();
        for (const e of events) {
          if (e.path.length !== 1 || !e.keysChanged?.has("updatedAt")) continue;
          const key = `${name}:${e.path[0]}:${e.target.get("updatedAt")}`;
          const move = moves.get(key);
          if (!move) {
            t.foreign[name]++;
            continue;
          }
          if (move.seen.has(index)) {
            t.duplicates[name]++;
            continue;
          }
          move.seen.add(index);
          if (move.record) {
            t.samples[name].push(now - move.t0);
            // [send time, latency] in ms, for looking at when the slow ones happen (saved with the results).
            t.timeline[name].push([Math.round(move.t0), Math.round((now - move.t0) * 10) / 10]);
          }
          if (move.seen.size === room.observers.length) t.outstanding--;
        }
      });
    });
  }
  const sentCount = { bare: 0, ours: 0 };
  t.sent = (key, record) => {
    moves.set(key, { t0: performance.now(), seen: new Set(), record });
    t.outstanding++;
    sentCount[key.slice(0, key.indexOf(":"))]++;
  };
  t.sentIn = (name) => sentCount[name];
  t.undelivered = (name) => {
    let n = 0;
    for (const [key, m] of moves) if (key.startsWith(`${name}:`) && m.seen.size < rooms[name].observers.length) n++;
    return n;
  };
  return t;
}

/**
 * `seconds` of load on one room: every editor moves its card every
 * 1/rate s, starting at a random phase. Waits for the moves to arrive
 * before answering, so one slice's tail never overlaps the next slice.
 */
async function slice({ name, room, cardIds, stageIds, keys, me, track, seconds, rate, record, serverPid, publicPort, profiler }) {
  if (profiler && record) await profiler.start();
  const lag = monitorEventLoopDelay({ resolution: 2 });
  const elu0 = performance.eventLoopUtilization();
  const cpu = cpuWindow(serverPid, publicPort);
  lag.enable();
  const period = 1000 / rate;
  const start = performance.now();
  const end = start + seconds * 1000;
  let moves = 0;
  let timerLateMs = 0;
  await Promise.all(
    room.editors.map(async (editor, i) => {
      const id = cardIds[i];
      const card = editor.deals.get(id);
      for (let due = start + Math.random() * period; due < end; due += period) {
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        timerLateMs = Math.max(timerLateMs, performance.now() - due);
        const current = card.get("stageId");
        const others = stageIds.filter((s) => s !== current);
        // updatedAt is the app's millisecond clock; kept unique per card so each move is identifiable.
        const stamp = Math.max(Date.now(), (card.get("updatedAt") ?? 0) + 1);
        track.sent(`${name}:${id}:${stamp}`, record);
        room.shared.as(editor, () => {
          card.set("stageId", others[(Math.random() * others.length) | 0]);
          card.set("position", keys[(Math.random() * keys.length) | 0]);
          card.set("updatedAt", stamp);
          card.set("updatedBy", me);
        });
        moves++;
      }
    }),
  );
  const sendMs = performance.now() - start;
  await until(() => track.outstanding === 0, 10_000, 5);
  lag.disable();
  const elu = performance.eventLoopUtilization(elu0);
  const profile = profiler && record ? await profiler.stop() : null;
  return {
    name,
    profile,
    moves,
    sendMs,
    cpu: cpu.stop(),
    elu: elu.utilization,
    lagP99: lag.percentile(99) / 1e6,
    lagMax: lag.max / 1e6,
    timerLateMs,
  };
}

/** Each card as an editor last wrote it: the fields a move touches. */
const moveFields = (card) => ({ stageId: card?.get("stageId"), position: card?.get("position"), updatedAt: card?.get("updatedAt") });

async function level({ url, wsUrl, orgId, token, editors: n, cards, stageIds, keys, me, observers, seconds, slices, rate, serverPid, publicPort, reference, profiler, sourceMap, deflate }) {
  const cardIds = cards.slice(0, n).map((c) => c.id);
  const bareRoom = `editors-${n}-${Date.now()}`;
  // The bare room gets the same cards as the organization room's board, copied field for field.
  const seeder = openRoomClient({ url: wsUrl, party: PARTIES.bare, room: bareRoom });
  await seeder.synced;
  seeder.doc.transact(() => {
    for (const id of cardIds) seeder.deals.set(id, new Y.Map(Object.entries(reference[id])));
  });
  await until(() => seeder.ws.bufferedAmount === 0, 5000);
  const rooms = {
    bare: await openRoom({ url: wsUrl, party: PARTIES.bare, room: bareRoom, observers, cardIds, deflate }),
    ours: await openRoom({ url: wsUrl, party: PARTIES.ours, room: orgId, token, observers, cardIds, deflate }),
  };
  seeder.close();
  const track = tracker(rooms);
  const common = { cardIds, stageIds, keys, me, track, rate, serverPid, publicPort, profiler };
  // Warm-up (not recorded): the first moves of a level pay for JIT and cold caches.
  for (const name of ["bare", "ours"]) await slice({ ...common, name, room: rooms[name], seconds: 2, record: false });
  const runs = { bare: [], ours: [] };
  for (let s = 0; s < slices; s++) {
    const order = s % 2 === 0 ? ["bare", "ours"] : ["ours", "bare"];
    for (const name of order) runs[name].push(await slice({ ...common, name, room: rooms[name], seconds: seconds / slices, record: true }));
  }
  await until(() => track.outstanding === 0, 10_000);

  const result = { editors: n, observers, rate, seconds };
  for (const name of ["bare", "ours"]) {
    const { observers: obs, editors: eds } = rooms[name];
    const state = (doc) => JSON.stringify(cardIds.map((id) => doc.getMap("deals").get(id)?.toJSON() ?? null));
    const observersAgree = await until(() => obs.every((o) => state(o.doc) === state(obs[0].doc)), 10_000);
    const editorsAgree = eds.every((e, i) => JSON.stringify(moveFields(e.deals.get(cardIds[i]))) === JSON.stringify(moveFields(obs[0].deals.get(cardIds[i]))));
    const cpu = runs[name].map((r) => r.cpu);
    const sum = (f) => cpu.reduce((a, c) => a + (f(c) ?? 0), 0);
    const wallMs = sum((c) => c.wallMs);
    const moves = runs[name].reduce((a, r) => a + r.moves, 0);
    result[name] = {
      moves,
      latency: summarize(track.samples[name]),
      timeline: track.timeline[name],
      undelivered: track.undelivered(name),
      duplicates: track.duplicates[name],
      foreign: track.foreign[name],
      onBoard: cardIds.filter((id) => obs[0].deals.has(id)).length,
      boardSize: obs[0].deals.size,
      converged: observersAgree && editorsAgree,
      rejected: eds.reduce((a, e) => a + e.events.filter((ev) => ev.data?.code === "edit_rejected").length, 0),
      resets: [...eds, ...obs].filter((c) => c.closed || c.events.some((ev) => ev.type === "board_reset")).length,
      // Every editor should receive every move made in the room (its own echoed too).
      fanout: eds.reduce((a, e) => a + e.received.messages, 0) / (eds.length * track.sentIn(name)),
      skipping: rooms[name].skipping,
      harness: {
        cpuPct: (100 * sum((c) => c.selfMs)) / wallMs,
        elu: runs[name].reduce((a, r) => a + r.elu * r.cpu.wallMs, 0) / wallMs,
        lagP99: Math.max(...runs[name].map((r) => r.lagP99)),
        lagMax: Math.max(...runs[name].map((r) => r.lagMax)),
        timerLateMs: Math.max(...runs[name].map((r) => r.timerLateMs)),
      },
      server: {
        cpuPct: (100 * sum((c) => c.serverMs)) / wallMs,
        workerdPct: (100 * sum((c) => c.server.workerd)) / wallMs,
        workerdMsPerMove: sum((c) => c.server.workerd) / moves,
        needsPct: (100 * rate * n * (sum((c) => c.server.workerd) / moves)) / 1000,
        byProcess: Object.fromEntries(
          [...new Set(cpu.flatMap((c) => Object.keys(c.server)))].map((k) => [k, sum((c) => c.server[k]) / moves]),
        ),
      },
      cores: cpu[0]?.cores,
      othersPct: cpu.every((c) => c.othersMs !== null) ? (100 * sum((c) => c.othersMs)) / wallMs : null,
      profile: profiler ? profileSummary(runs[name].map((r) => r.profile), sourceMap, moves, `${deflate ? "deflate" : "plain"}-${n}-${name}`) : undefined,
      finalStages: Object.fromEntries(cardIds.map((id) => [id, moveFields(obs[0].deals.get(id))])),
    };
  }
  for (const room of Object.values(rooms)) for (const c of [...room.observers, ...room.editors]) c.close();

  // D1 is written by the room's outbox within ~250 ms; compare each card's stage and position.
  const finals = result.ours.finalStages;
  result.ours.d1Matches = await until(async () => {
    const stored = await storedDeals(url, token, cardIds);
    return cardIds.every((id) => stored.get(id)?.stageId === finals[id].stageId && stored.get(id)?.position === finals[id].position);
  }, 15_000, 500);
  delete result.bare.finalStages;
  delete result.ours.finalStages;
  return result;
}

/** The isolate's busy time per move, by source (self) and by the project's own functions (inclusive). */
function profileSummary(profiles, sourceMap, moves, label) {
  const dir = join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  // Open in Chrome DevTools (Performance) to see the stacks; one file per measured slice.
  profiles.forEach((p, i) => writeFileSync(join(dir, `editors-${label}-${i}.cpuprofile`), JSON.stringify(p)));
  const { busyMs, self, inclusive } = summarizeProfiles(profiles, sourceMap);
  const perMove = (rows) => rows.slice(0, 12).map(([what, ms]) => [what, +(ms / moves).toFixed(3)]);
  return { jsMsPerMove: +(busyMs / moves).toFixed(3), self: perMove(self), inclusive: perMove(inclusive) };
}

async function storedDeals(url, token, ids) {
  const found = new Map();
  for (let page = 1; found.size < ids.length && page < 50; page++) {
    const rows = await api(url, `/api/deals?q=editor&per_page=100&page=${page}`, { token });
    for (const d of rows) found.set(d.id, d);
    if (rows.length < 100) break;
  }
  return found;
}

const ms = (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : "—");
const pct = (v) => (v === null || !Number.isFinite(v) ? "—" : `${v.toFixed(0)}%`);

function printTable(results, { observers, rate, seconds, slices }) {
  console.log(
    `\nEditors: each moves its own card ${rate}×/s with a real Yjs update (peers' updates not applied); ` +
      `${observers} full observers time send → observer; ${seconds} s per room per level, in ${slices} alternating slices. ` +
      `"room needs": the share of one core the room's workerd thread needs at this rate (CPU per move × moves/s); ` +
      `"others": CPU used by everything else on the machine (${results[0]?.bare.cores ?? "?"} cores)`,
  );
  const head = ["editors", "deflate", "room", "moves", "p50 ms", "p95 ms", "p99 ms", "max ms", "p99 ×bare", "lost", "dup", "harness CPU", "lag p99", "room ms/move", "room needs", "others"];
  const rows = [head];
  for (const r of results) {
    for (const name of ["bare", "ours"]) {
      const x = r[name];
      rows.push([
        String(r.editors), r.deflate ? "on" : "off", LABEL[name], String(x.moves),
        ms(x.latency.p50), ms(x.latency.p95), ms(x.latency.p99), ms(x.latency.max),
        name === "ours" ? `${(x.latency.p99 / r.bare.latency.p99).toFixed(2)}×` : "",
        String(x.undelivered), String(x.duplicates), pct(x.harness.cpuPct), `${ms(x.harness.lagP99)} ms`,
        x.server.workerdMsPerMove.toFixed(2), pct(x.server.needsPct), pct(x.othersPct),
      ]);
    }
  }
  const widths = head.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log("  " + row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "));
  for (const r of results) {
    const { bare, ours } = r;
    console.log(
      `  ${r.editors} editors, deflate ${r.deflate ? "on" : "off"}: OrgRoom/bare p50 ${(ours.latency.p50 / bare.latency.p50).toFixed(2)}×, ` +
        `CPU per move ${(ours.server.workerdMsPerMove / bare.server.workerdMsPerMove).toFixed(2)}×; ` +
        `cards ${ours.onBoard}/${r.editors} (board ${ours.boardSize}), converged ${ours.converged}/${bare.converged} (ours/bare), ` +
        `rejected ${ours.rejected}, resets ${ours.resets}/${bare.resets}, unexpected updates ${ours.foreign}/${bare.foreign}, ` +
        `fan-out to editors ${ours.fanout.toFixed(3)}/${bare.fanout.toFixed(3)}, D1 matches board: ${ours.d1Matches}`,
    );
  }
  for (const r of results) {
    for (const name of ["bare", "ours"]) {
      const p = r[name].profile;
      if (!p) continue;
      console.log(`  profile, ${r.editors} editors, deflate ${r.deflate ? "on" : "off"}, ${LABEL[name]}: isolate busy ${p.jsMsPerMove.toFixed(2)} ms per move (wall-clock samples; sampling adds overhead)`);
      console.log(`    self, ms/move: ${p.self.map(([w, v]) => `${w} ${v.toFixed(2)}`).join(" · ")}`);
      if (p.inclusive.length) console.log(`    project functions incl., ms/move: ${p.inclusive.map(([w, v]) => `${w} ${v.toFixed(2)}`).join(" · ")}`);
    }
  }
  const most = Math.max(...results.map((r) => r.editors));
  for (const r of results.filter((x) => x.editors === most)) {
    const p99 = r.ours.latency.p99;
    console.log(`  target p99 ≤ 50 ms at ${most} editors, deflate ${r.deflate ? "on" : "off"} (OrgRoom): ${p99 <= 50 ? "met" : "NOT met"} (${ms(p99)} ms)`);
  }
}

/**
 * A new organization (and so a new, history-free organization room) with
 * `n` deal cards, and those cards as the room's board holds them. Each mode
 * gets its own, so a run never grows one board's history to the point where
 * the room squashes it (rooms/board-squash.ts), which would close every socket.
 */
async function freshBoard(url, wsUrl, n, label) {
  const email = `editors-${label}-${Date.now()}@example.com`;
  const reg = await fetch(`${url}/api/auth/register`, {
    method: "POST",
    // Its own client address, so registration limits meant for one visitor never apply to the bench.
    headers: { "content-type": "application/json", "cf-connecting-ip": `198.18.2.${(Math.random() * 250 + 1) | 0}` },
    body: JSON.stringify({ name: "Editors bench", email, password: "bench-password-2026", organizationName: `Editors ${label}` }),
  }).then((r) => r.json());
  if (!reg.success) throw new Error(`register: ${JSON.stringify(reg.error)}`);
  const token = reg.data.accessToken;
  const orgId = reg.data.organization.id;
  const [pipeline] = (await api(url, "/api/pipelines", { token })).filter((p) => p.isDefault);
  const stageIds = pipeline.stages.slice(0, 4).map((s) => s.id);
  const cards = [];
  for (let i = 0; i < n; i += 5) {
    const batch = Array.from({ length: Math.min(5, n - i) }, (_, k) => api(url, "/api/deals", { token, body: { title: `Editor ${i + k}`, amount: i + k } }));
    cards.push(...(await Promise.all(batch)));
  }
  const board = openRoomClient({ url: wsUrl, party: PARTIES.ours, room: orgId, token });
  await board.synced;
  await until(() => cards.every((c) => board.deals.has(c.id)), 10_000);
  const reference = Object.fromEntries(cards.map((c) => [c.id, board.deals.get(c.id).toJSON()]));
  board.close();
  return { token, orgId, stageIds, cards, reference, me: reference[cards[0].id].createdBy };
}

export async function benchEditors({
  url,
  server,
  inspectorPort,
  bundleMap,
  levels = (process.env.BENCH_EDITORS ?? "25,50,100").split(",").map(Number),
  seconds = Number(process.env.BENCH_SECONDS ?? 12),
  slices = 4,
  observers = 3,
  rate = 2,
  // With permessage-deflate (editors offer it, as browsers do) and without; BENCH_DEFLATE=1 or 0 runs one.
  modes = process.env.BENCH_DEFLATE === "1" ? [true] : process.env.BENCH_DEFLATE === "0" ? [false] : [true, false],
}) {
  const keys = generateNKeysBetween(null, null, 100);
  const serverPid = server?.child?.pid;
  const publicPort = Number(new URL(url).port);
  // Room sockets go straight to the workerd running the Worker, past `wrangler dev`'s proxy
  // (a second workerd every frame would cross, which production does not have); BENCH_VIA_PROXY=1 keeps it.
  const direct = process.env.BENCH_VIA_PROXY ? null : await directWorkerUrl(serverPid, publicPort);
  const wsUrl = direct ?? url;
  console.log(`\nEditors: room sockets to ${direct ? `${wsUrl} (the Worker's workerd, past wrangler's proxy)` : `${url} (through wrangler's proxy)`}`);

  // BENCH_PROFILE=1: CPU profiles of the Worker's isolate during the measured slices.
  const profiler = process.env.BENCH_PROFILE && inspectorPort ? await openProfiler(inspectorPort) : null;
  const sourceMap = profiler && bundleMap ? loadSourceMap(bundleMap) : null;

  const uptimeBefore = loadAverage();
  const results = [];
  for (const deflate of modes) {
    const { token, orgId, stageIds, cards, reference, me } = await freshBoard(url, wsUrl, Math.max(...levels), deflate ? "deflate" : "plain");
    for (const n of levels) {
      const common = { url, wsUrl, orgId, token, cards, stageIds, keys, me, observers, seconds, slices, rate, serverPid, publicPort, reference };
      results.push({ deflate, ...(await level({ ...common, editors: n, profiler, sourceMap, deflate })) });
      console.log(`  done: ${n} editors, permessage-deflate ${deflate ? "on" : "off"}`);
    }
  }
  profiler?.close();
  const uptimeAfter = loadAverage();
  printTable(results, { observers, rate, seconds, slices });
  console.log(`  load average before ${uptimeBefore}, after ${uptimeAfter}`);

  const dir = join(import.meta.dirname, "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `editors-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ when: new Date().toISOString(), loadBefore: uptimeBefore, loadAfter: uptimeAfter, results }, null, 2));
  console.log(`  results: ${file}`);
  return results;
}

const loadAverage = () => loadavg().map((v) => v.toFixed(2)).join(" ");
