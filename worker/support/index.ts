/**
 * Support: tickets and their board, SLA (sla/), email in and out (email/),
 * the knowledge base and the public help center, teams, views, analytics.
 * Mounted under /api by worker/app.ts.
 */
import { registerJob } from "../platform/job-queue";
import { createRouter } from "../platform/http";
import { registerScheduledTask } from "../platform/scheduled-tasks";
import { registerRecordAudience } from "../platform/record-audience";
import { HANDOUT_JOB } from "../../schema/jobs";
import { REPLY_JOB, replyJob } from "./email/outbound-mail";
import { helpCenterRoutes } from "./help-center/help-center-routes";
import { supportKbRoutes } from "./knowledge-base/kb-routes";
import { slaBreachTask } from "./sla/sla-breaches";
import { supportSlaRoutes } from "./sla/sla-routes";
import { supportAnalyticsRoutes } from "./support-analytics-routes";
import { supportSettingsRoutes } from "./support-settings-routes";
import { supportTeamRoutes } from "./support-team-routes";
import { supportAttachmentRoutes } from "./tickets/attachment-routes";
import { handoutJob } from "./tickets/handout";
import { supportTicketActionRoutes } from "./tickets/ticket-action-routes";
import { supportTicketRoutes } from "./tickets/ticket-routes";
import { supportViewRoutes } from "./tickets/ticket-view-routes";
import { visibleTicketIds } from "./tickets/ticket-visibility";

export { SlaClock } from "./sla/sla-clock";
export { handleInboundEmail } from "./email/email-handler";

/** For the AI assistant's tools: tickets as their viewer may list them. */
export { listTickets } from "./tickets/ticket-query";

/** For workflow actions (worker/automation): tickets changed through the same flow and validation as REST, and teams to notify. */
export { changeTicket } from "./tickets/ticket-flow";
export { publicTicket } from "./tickets/ticket-events";
export { UpdateBody as TicketPatchSchema } from "./tickets/ticket-routes";
export { getTeam } from "./support-teams";

/** For AI reply drafts: the ticket as its viewer may see it, its conversation and audience, and the published articles that may answer it. */
export { requireVisibleTicket } from "./tickets/ticket-visibility";
export { listComments } from "./tickets/ticket-comments";
export { audience as ticketAudience } from "./tickets/ticket-events";
export { suggestArticles } from "./knowledge-base/kb-queries";
export { requireArticle } from "./knowledge-base/kb-articles";
export { helpUrl, orgSlugOf } from "./help-center/help-center";

/** For the AI layer's sentiment: the organization's chosen model, and a remote model's judgment of a customer message applied to its ticket. */
export { getSupportSettings } from "./support-settings";
export { applyTicketSentiment, customerMessageText } from "./sentiment/ticket-sentiment";

registerJob(HANDOUT_JOB, handoutJob);
registerJob(REPLY_JOB, replyJob);
registerScheduledTask("support-sla-breaches", slaBreachTask);
registerRecordAudience("ticket", visibleTicketIds);

export const supportRoutes = createRouter()
  .route("/support/knowledge-base", supportKbRoutes)
  .route("/support/tickets", supportTicketRoutes)
  .route("/support/tickets", supportTicketActionRoutes)
  .route("/support/attachments", supportAttachmentRoutes)
  .route("/support/teams", supportTeamRoutes)
  .route("/support/views", supportViewRoutes)
  .route("/support/analytics", supportAnalyticsRoutes)
  .route("/support/settings", supportSettingsRoutes)
  .route("/support", supportSlaRoutes)
  .route("/help", helpCenterRoutes);
