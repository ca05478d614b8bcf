// CPU accounting for load tests on Linux (/proc): the machine as a whole, and
// a process tree (the `wrangler dev` server: its Node process and workerd).
// Elsewhere every reading is null and the benchmarks just omit these figures.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { availableParallelism } from "node:os";

const TICK_MS = 10; // USER_HZ is 100 on Linux

function read(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Busy and total CPU time of the whole machine, in ms summed over cores. */
export function machineCpu() {
  const line = read("/proc/stat")?.split("\n")[0];
  if (!line) return null;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = v[3] + v[4];
  return { busyMs: (total - idle) * TICK_MS, totalMs: total * TICK_MS };
}

function stat(pid) {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return null;
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  const f = text.slice(close + 2).split(" ");
  // fields after comm: state(0) ppid(1) … utime(11) stime(12)
  return { pid, comm, ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
}

/** `root` and every process below it, with the CPU each has used so far. */
export function treeCpu(root) {
  const all = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) all.push(s);
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of all) {
      if (!inTree.has(s.pid) && inTree.has(s.ppid)) {
        inTree.add(s.pid);
        grew = true;
      }
    }
  }
  const procs = all.filter((s) => inTree.has(s.pid));
  return procs.length ? procs : null;
}

/** TCP ports `pid` listens on (IPv4 and IPv6). */
export function listeningPorts(pid) {
  const byInode = new Map();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of (read(file) ?? "").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === "0A") byInode.set(f[9], parseInt(f[1].split(":").at(-1), 16));
    }
  }
  const ports = new Set();
  let fds = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  for (const fd of fds) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode && byInode.has(inode)) ports.add(byInode.get(inode));
    } catch {
      // closed meanwhile
    }
  }
  return [...ports];
}

/**
 * `wrangler dev` puts a proxy (its own workerd) in front of the one that runs
 * the Worker and its Durable Objects, and every WebSocket frame crosses it.
 * Production has no such hop, so a load test may connect to the Worker's
 * workerd directly: its address, found by asking each port the Worker's
 * workerd listens on for `probePath`, or null (then use the public URL).
 */
export async function directWorkerUrl(serverPid, publicPort, probePath = "/api/health") {
  const procs = serverPid ? treeCpu(serverPid) : null;
  if (!procs) return null;
  for (const p of procs.filter((s) => s.comm === "workerd")) {
    const ports = listeningPorts(p.pid);
    if (ports.includes(publicPort)) continue;
    for (const port of ports) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${probePath}`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return `http://127.0.0.1:${port}`;
      } catch {
        // not an HTTP entry
      }
    }
  }
  return null;
}

/** A name per process of the server tree: the workerd that owns `publicPort` is wrangler's proxy. */
const labels = new Map();
function labeller(publicPort) {
  return (s) => {
    if (!labels.has(s.pid)) {
      labels.set(s.pid, s.comm === "workerd" && publicPort && listeningPorts(s.pid).includes(publicPort) ? "workerd-proxy" : s.comm);
    }
    return labels.get(s.pid);
  };
}

/**
 * Starts a CPU window; `stop()` answers the CPU each part used in it, in ms:
 * this process, the server tree split by command (workerd, workerd-proxy,
 * node, esbuild), and
 * whatever else ran on the machine (other people's tests, say).
 */
export function cpuWindow(serverPid, publicPort) {
  const label = labeller(publicPort);
  const t0 = performance.now();
  const self0 = process.cpuUsage();
  const machine0 = machineCpu();
  const tree0 = serverPid ? treeCpu(serverPid) : null;
  return {
    stop() {
      const wallMs = performance.now() - t0;
      const self = process.cpuUsage(self0);
      const selfMs = (self.user + self.system) / 1000;
      const machine1 = machineCpu();
      const tree1 = serverPid ? treeCpu(serverPid) : null;
      const server = {};
      if (tree0 && tree1) {
        const before = new Map(tree0.map((s) => [s.pid, s.cpuMs]));
        for (const s of tree1) server[label(s)] = (server[label(s)] ?? 0) + s.cpuMs - (before.get(s.pid) ?? 0);
      }
      const serverMs = Object.values(server).reduce((a, b) => a + b, 0);
      const machineBusyMs = machine0 && machine1 ? machine1.busyMs - machine0.busyMs : null;
      return {
        wallMs,
        cores: availableParallelism(),
        selfMs,
        server,
        serverMs,
        machineBusyMs,
        othersMs: machineBusyMs === null ? null : Math.max(0, machineBusyMs - selfMs - serverMs),
      };
    },
  };
}
