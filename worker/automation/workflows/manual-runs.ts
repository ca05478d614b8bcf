import type { Env, AuthContext } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { conflict, invalid } from "../../platform/errors";
import { triggerEntity } from "./definition-checks";
import { readRecord } from "./record-reader";
import { startRun } from "./run-store";
import { syntheticEvent } from "./trigger-matching";
import { requireWorkflow } from "./workflows";

/**
 * A member starts a workflow from a record's page. The member must see the
 * record (another's hidden record answers 404, as in REST); the run then acts
 * with the workflow owner's permissions like any other run.
 */
export async function runManually(env: Env, auth: AuthContext, workflowId: string, recordId: string | undefined, now = Date.now()) {
  const db = orgDb(env, auth.orgId);
  const workflow = await requireWorkflow(db, auth.orgId, workflowId);
  if (!workflow.enabled) throw conflict("The workflow is disabled; enable it to run it");
  const entity = await triggerEntity(db, auth.orgId, workflow.trigger);
  if (!entity) {
    if (recordId) throw invalid({ recordId: ["This workflow runs on a schedule, without a record"] });
    return startRun(env, { workflow, event: syntheticEvent({ orgId: auth.orgId, kind: "manual", entity: null, record: null, actorId: auth.userId, now }), entity: null, recordId: null, startedBy: auth.userId }, now);
  }
  if (!recordId) throw invalid({ recordId: [`Name the ${entity} to run the workflow on`] });
  const record = await readRecord(db, auth, entity, recordId);
  const event = syntheticEvent({ orgId: auth.orgId, kind: "manual", entity, record, actorId: auth.userId, now });
  return startRun(env, { workflow, event, entity, recordId, startedBy: auth.userId }, now);
}
