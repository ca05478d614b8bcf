import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { handleQueue, registerJob, type Job } from "../../../worker/platform/job-queue";

/** A handler whose jobs log their start and end, and wait for a named gate before ending when asked to. */
const log: string[] = [];
const gates = new Map<string, () => void>();
const opened = new Map<string, Promise<void>>();
const gate = (name: string) => {
  if (!opened.has(name)) opened.set(name, new Promise<void>((resolve) => gates.set(name, resolve)));
  return opened.get(name)!;
};
registerJob("test-sequenced", async (_env, job: Job) => {
  log.push(`start ${job.name}`);
  if (typeof job.opens === "string") {
    gate(job.opens);
    gates.get(job.opens)!();
  }
  if (typeof job.waitsFor === "string") await gate(job.waitsFor);
  await new Promise((r) => setTimeout(r, 5));
  if (job.fails) throw new Error("refused");
  log.push(`end ${job.name}`);
});

/** Loads counted per key, and keys whose next load fails once. */
const loads = new Map<string, number>();
const failNext = new Set<string>();
registerJob("test-memo", async (_env, job: Job, batch) => {
  const key = String(job.key);
  const value = await batch
    .get(key, async () => {
      loads.set(key, (loads.get(key) ?? 0) + 1);
      if (failNext.delete(key)) throw new Error("lookup failed");
      return `value of ${key}`;
    })
    .catch(() => null);
  log.push(`${job.name}: ${value}`);
});

async function runBatch(jobs: Record<string, unknown>[]) {
  log.length = 0;
  const batch = createMessageBatch<Job>("neuracrm-jobs", jobs.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: { type: "test-sequenced", ...body } as Job })));
  const ctx = createExecutionContext();
  await handleQueue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("a queue batch", () => {
  it("runs different sequences side by side: a job waiting on a later one of another sequence finishes", async () => {
    const result = await runBatch([
      { name: "a1", sequence: "a", waitsFor: "b-started" },
      { name: "b1", sequence: "b", opens: "b-started" },
    ]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1"]);
    expect(log.indexOf("start b1")).toBeLessThan(log.indexOf("end a1"));
  });

  it("runs one sequence's jobs one after another in batch order, and jobs without one likewise", async () => {
    const result = await runBatch([
      { name: "a1", sequence: "a" },
      { name: "x1" },
      { name: "a2", sequence: "a" },
      { name: "x2" },
      { name: "a3", sequence: "a" },
    ]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    const of = (prefix: string) => log.filter((line) => line.endsWith(prefix + "1") || line.endsWith(prefix + "2") || line.endsWith(prefix + "3"));
    expect(of("a")).toEqual(["start a1", "end a1", "start a2", "end a2", "start a3", "end a3"]);
    expect(of("x")).toEqual(["start x1", "end x1", "start x2", "end x2"]);
  });

  it("retries only the job that failed and still runs the rest of its sequence", async () => {
    const result = await runBatch([
      { name: "a1", sequence: "a", fails: true },
      { name: "a2", sequence: "a" },
      { name: "b1", sequence: "b" },
    ]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m0"]);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(log).toContain("end a2");
  });
  it("shares one lookup between its jobs, a fresh one with the next batch, and asks again after a failed one", async () => {
    await runBatch([
      { type: "test-memo", name: "j1", key: "org-a", sequence: "1" },
      { type: "test-memo", name: "j2", key: "org-a", sequence: "2" },
      { type: "test-memo", name: "j3", key: "org-b" },
    ]);
    expect(loads.get("org-a")).toBe(1);
    expect(loads.get("org-b")).toBe(1);
    expect(log.sort()).toEqual(["j1: value of org-a", "j2: value of org-a", "j3: value of org-b"]);
    failNext.add("org-c");
    await runBatch([
      { type: "test-memo", name: "k1", key: "org-a" },
      { type: "test-memo", name: "k2", key: "org-c" },
      { type: "test-memo", name: "k3", key: "org-c" },
    ]);
    expect(loads.get("org-a")).toBe(2);
    expect(loads.get("org-c")).toBe(2);
    expect(log).toEqual(["k1: value of org-a", "k2: null", "k3: value of org-c"]);
  });
});
