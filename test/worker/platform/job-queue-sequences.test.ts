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

async function runBatch(jobs: Record<string, unknown>[]) {
  log.length = 0;
  const batch = createMessageBatch<Job>("neuracrm-jobs", jobs.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: { type: "test-sequenced", ...body } })));
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
});
