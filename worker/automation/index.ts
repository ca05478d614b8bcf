/**
 * Automation: workflows (a trigger, conditions and actions run durably on
 * Cloudflare Workflows), signed outbound webhooks and Zapier REST hooks, and
 * segments. Every part listens to the domain events other features publish
 * (worker/platform/domain-events.ts). Mounted under /api by worker/app.ts:
 * /api/automation/..., /api/webhooks/..., /api/hooks, /api/segments.
 */
import { createRouter } from "../platform/http";
import { registerJob, type Job } from "../platform/job-queue";
import { DOMAIN_EVENT_JOB, type DomainEventJob } from "../../schema/jobs";
import { dispatchDomainEvent } from "./events/event-consumers";
import { hookRoutes } from "./hooks";
import { webhookRoutes } from "./webhooks";
import { segmentRoutes } from "./segments";
import { workflowEngineRoutes } from "./workflows/engine-routes";
import "./workflows/actions/workflow-actions";

registerJob(DOMAIN_EVENT_JOB, (env, job: Job) => dispatchDomainEvent(env, (job as DomainEventJob).event));

export { AutomationRunWorkflow } from "./workflows/automation-run-workflow";
export { workflowScheduleTask } from "./workflows/engine-routes";
export { segmentRecencyTask } from "./segments";

export const automationRoutes = createRouter()
  .route("/hooks", hookRoutes)
  .route("/webhooks", webhookRoutes)
  .route("/segments", segmentRoutes)
  .route("/automation", workflowEngineRoutes);
