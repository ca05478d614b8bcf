/**
 * CRM: contacts, companies and leads, deals, pipelines and the kanban view,
 * activities, imports and exports, search, lead conversion. Mounted under
 * /api by worker/app.ts.
 */
import { createRouter } from "../platform/http";
import { activityRoutes } from "./activity-routes";
import { dealRoutes } from "./deals/deal-routes";
import { kanbanRoutes } from "./deals/kanban-routes";
import { pipelineRoutes } from "./deals/pipeline-routes";
import { importRoutes } from "./imports/import-routes";
import { leadConversionRoutes } from "./records/lead-conversion-routes";
import { companyRoutes, contactRoutes, leadRoutes } from "./records/record-router";
import { searchRoutes } from "./search-routes";

export { publishActivityChanged } from "./activity-events";
export { defaultPipelineStatements } from "./deals/pipelines";

export const crmRoutes = createRouter()
  .route("/companies", companyRoutes)
  .route("/contacts", contactRoutes)
  .route("/leads", leadRoutes)
  .route("/pipelines", pipelineRoutes)
  .route("/activities", activityRoutes)
  .route("/search", searchRoutes)
  .route("/imports", importRoutes)
  .route("/deals", dealRoutes)
  .route("/kanban", kanbanRoutes)
  .route("/leads", leadConversionRoutes);
