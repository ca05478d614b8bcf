/**
 * Automation: workflows (a trigger, conditions and actions run durably on
 * Cloudflare Workflows), signed outbound webhooks and Zapier REST hooks, and
 * segments. Every part listens to the domain events other features publish
 * (worker/platform/domain-events.ts). Mounted under /api by worker/app.ts:
 * /api/automation/..., /api/webhooks/..., /api/hooks, /api/segments.
 */
import { createRouter } from "../platform/http";
import { registerJob, type Job } from "../platform/job-queue";
import { DOMAIN_EVENT_JOB, WEBHOOK_DELIVERY_JOB, type DomainEventJob, type WebhookDeliveryJob } from "../../schema/jobs";
import { dispatchDomainEvent, registerEventConsumer } from "./events/event-consumers";
import { hookRoutes } from "./hooks";
import { fanOutEvent, runDeliveryJob, webhookRoutes } from "./webhooks";
import { onRecordEvent, runSegmentEvaluationJob, SEGMENT_EVALUATION_JOB, segmentRoutes, type SegmentEvaluationJob } from "./segments";
import { workflowEngineRoutes } from "./workflows/engine-routes";
import { startMatchingWorkflows } from "./workflows/trigger-matching";
import { registerWorkflowActions } from "./workflows/actions/workflow-actions";

registerJob(DOMAIN_EVENT_JOB, (env, job: Job, batch) => dispatchDomainEvent(env, (job as DomainEventJob).event, batch));
registerJob(WEBHOOK_DELIVERY_JOB, (env, job: Job) => runDeliveryJob(env, job as WebhookDeliveryJob).then(() => undefined));
registerJob(SEGMENT_EVALUATION_JOB, (env, job: Job) => runSegmentEvaluationJob(env, job as SegmentEvaluationJob));
registerEventConsumer("workflows", startMatchingWorkflows);
registerEventConsumer("webhooks", (env, event, batch) => fanOutEvent(env, event, batch).then(() => undefined));
registerEventConsumer("segments", onRecordEvent);
registerWorkflowActions();

export { AutomationRunWorkflow } from "./workflows/automation-run-workflow";
export { workflowScheduleTask } from "./workflows/engine-routes";
export { segmentRecencyTask } from "./segments";
export { automationEventRetentionTask } from "./events/event-retention";

export const automationRoutes = createRouter()
  .route("/hooks", hookRoutes)
  .route("/webhooks", webhookRoutes)
  .route("/segments", segmentRoutes)
  .route("/automation", workflowEngineRoutes);
