import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { expect, vi } from "vitest";
import { api, type Account } from "../../helpers";
import { testDb } from "../../record-helpers";
import { automationRuns, type AutomationRun, type WorkflowRunStatus } from "../../../schema";

/** Creates an enabled workflow through the API and returns it. */
export async function enabledWorkflow(account: Account, body: Record<string, unknown>) {
  const res = await api("/api/automation/workflows", { token: account.token, body: { name: "Test workflow", enabled: true, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; version: number; ownerId: string; updatedAt: number };
}

export const runsOf = (workflowId: string): Promise<AutomationRun[]> =>
  testDb().select().from(automationRuns).where(eq(automationRuns.workflowId, workflowId)).orderBy(automationRuns.createdAt).all();

const FINAL: WorkflowRunStatus[] = ["succeeded", "failed", "skipped"];

/** Waits until the workflow has `count` runs and all of them finished; answers them, oldest first. */
export async function finishedRuns(workflowId: string, count = 1, timeout = 25_000): Promise<AutomationRun[]> {
  let runs: AutomationRun[] = [];
  await vi.waitFor(
    async () => {
      runs = await runsOf(workflowId);
      expect(runs.length).toBeGreaterThanOrEqual(count);
      expect(runs.map((r) => r.status).every((s) => FINAL.includes(s)), JSON.stringify(runs.map((r) => [r.status, r.reason]))).toBe(true);
    },
    { timeout, interval: 100 },
  );
  return runs;
}

/** Waits for one run to reach a final status after it was retried. */
export async function runSettled(orgId: string, runId: string, attempt: number, timeout = 25_000): Promise<AutomationRun> {
  let run: AutomationRun | undefined;
  await vi.waitFor(
    async () => {
      run = await testDb().select().from(automationRuns).where(and(eq(automationRuns.orgId, orgId), eq(automationRuns.id, runId))).get();
      expect(run?.attempt).toBe(attempt);
      expect(FINAL).toContain(run?.status);
    },
    { timeout, interval: 100 },
  );
  return run!;
}

/** Gives the JOBS queue time to deliver what a test expects to stay absent. */
export const settle = (ms = 1500) => new Promise((r) => setTimeout(r, ms));

export { env };
