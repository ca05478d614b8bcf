import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import type { WorkflowRunParams } from "../../../schema";

/** One automation run as a Cloudflare Workflows instance. (Replaced by the engine's step runner.) */
export class AutomationRunWorkflow extends WorkflowEntrypoint<Env, WorkflowRunParams> {
  override async run(event: WorkflowEvent<WorkflowRunParams>, step: WorkflowStep): Promise<void> {
    await step.do("noop", async () => event.payload.runId);
  }
}
