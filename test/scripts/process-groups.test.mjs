// `npm start` and the browser tests run wrangler dev in its own process
// group; whatever ends the script that started it must end that group too.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { test } from "node:test";

const fixture = join(import.meta.dirname, "process-group-fixture.mjs");

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    if (err.code === "ESRCH") return false;
    throw err;
  }
}

async function startFixture(mode = "wait") {
  const script = spawn(process.execPath, [fixture, mode], { stdio: ["ignore", "pipe", "pipe"] });
  const [line] = await once(script.stdout, "data");
  const pgid = Number(String(line).trim());
  assert.ok(pgid > 0 && groupAlive(pgid), `the fixture's group ${pgid} should be running`);
  return { script, pgid };
}

/** Waits until the group is gone; a group that stays fails the test through node:test's own timeout. */
async function groupGone(pgid) {
  while (groupAlive(pgid)) await new Promise((r) => setTimeout(r, 50));
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]]) {
  test(`${signal} to the script stops the server's whole process group`, { timeout: 30_000 }, async () => {
    const { script, pgid } = await startFixture();
    script.kill(signal);
    const [exitCode] = await once(script, "exit");
    assert.equal(exitCode, code);
    await groupGone(pgid);
  });
}

for (const mode of ["throw", "reject"]) {
  test(`an uncaught error (${mode}) in the script stops the server's whole process group`, { timeout: 30_000 }, async () => {
    const { script, pgid } = await startFixture(mode);
    const [exitCode] = await once(script, "exit");
    assert.equal(exitCode, 1);
    await groupGone(pgid);
  });
}
