import type { ReconciliationJob } from "../../../schema/jobs";
import { orgDb } from "../../platform/db";
import type { Env } from "../../platform/env";
import type { Job } from "../../platform/job-queue";
import { runReconciliation } from "./reconciliation-runs";

/** The queue handler of a reconciliation run started by the button or the nightly sweep. */
export async function reconciliationJob(env: Env, job: Job): Promise<void> {
  const { orgId, runId } = job as ReconciliationJob;
  await runReconciliation(env, orgDb(env, orgId), orgId, runId);
}
