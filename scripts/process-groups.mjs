// Child processes that must not outlive the script that started them.
// `wrangler dev` runs in its own process group so that one signal stops it
// and the workerd it starts; but then a terminal's Ctrl+C, which goes to the
// foreground group only, never reaches it. So every group started here is
// stopped when this process exits, however it exits: normally, on an
// uncaught error, or (after exitOnSignals) on SIGINT, SIGTERM or SIGHUP.
// Only SIGKILL of this process leaves them running.
import { spawn } from "node:child_process";

const groups = new Set();

function stopGroup(pid) {
  groups.delete(pid);
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    // already gone
  }
}

process.on("exit", () => {
  for (const pid of [...groups]) stopGroup(pid);
});

/** `spawn` as the leader of a new process group; `stop()` ends the whole group, and so does this process's exit. */
export function spawnGroup(command, args, options = {}) {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid !== undefined) groups.add(child.pid);
  return { child, stop: () => child.pid !== undefined && stopGroup(child.pid) };
}

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * Makes SIGINT, SIGTERM and SIGHUP end this process through process.exit,
 * which runs the clean-up above (a signal without a handler would skip it).
 * Call it first thing, before anything is started. `beforeExit(signal)` runs
 * first, e.g. to pass the signal on to a child that is not in a group.
 */
export function exitOnSignals(beforeExit = () => {}) {
  for (const [signal, code] of Object.entries(EXIT_CODES)) {
    process.on(signal, () => {
      beforeExit(signal);
      process.exit(code);
    });
  }
}
