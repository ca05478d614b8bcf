import { routePartykitRequest } from "partyserver";
import { app } from "./app";
import type { Env } from "./platform/env";
import { handleQueue, type Job } from "./platform/job-queue";
import { purgeRateLimitsTask } from "./platform/rate-limit";
import { registerScheduledTask, runScheduled } from "./platform/scheduled-tasks";
import { handleInboundEmail } from "./support";
import { forecastSnapshotTask } from "./forecast";
import { reconciliationTask } from "./financial";
import { automationEventRetentionTask, segmentRecencyTask, workflowScheduleTask } from "./automation";
import { notificationDigestTask } from "./notifications";
import { roomGate } from "../rooms/room-gate";
import { withSecurityHeaders } from "./platform/observability";

export { DealRoom } from "../rooms/deal-room";
export { OrgRoom } from "../rooms/org-room";
export { SlaClock } from "./support";
export { AriLink } from "./telephony";
export { ForecastClock } from "./forecast";
export { AutomationRunWorkflow } from "./automation";

registerScheduledTask("rate-limit-purge", purgeRateLimitsTask);
registerScheduledTask("forecast-snapshots", forecastSnapshotTask);
registerScheduledTask("financial-reconciliation", reconciliationTask);
registerScheduledTask("segment-recency", segmentRecencyTask);
registerScheduledTask("workflow-schedules", workflowScheduleTask);
registerScheduledTask("automation-event-retention", automationEventRetentionTask);
registerScheduledTask("notification-digests", notificationDigestTask);

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/parties/")) {
      const res = await routePartykitRequest(request, env, {
        onBeforeConnect: (req, lobby) => roomGate(req, lobby, env),
        onBeforeRequest: () =>
          Response.json({ success: false, error: { code: "not_found", message: "Rooms only accept WebSockets" } }, { status: 404 }),
      });
      return res ?? Response.json({ success: false, error: { code: "not_found", message: "No such room" } }, { status: 404 });
    }
    if (pathname.startsWith("/api/") || pathname === "/api") return app.fetch(request, env, ctx);
    return withSecurityHeaders(await env.ASSETS.fetch(request), request.url);
  },
  async queue(batch, env) {
    await handleQueue(batch as MessageBatch<Job>, env);
  },
  async scheduled(controller, env) {
    await runScheduled(env, new Date(controller.scheduledTime));
  },
  async email(message, env) {
    await handleInboundEmail(message, env);
  },
} satisfies ExportedHandler<Env, Job>;
