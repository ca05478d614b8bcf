/**
 * CRM: contacts, companies and leads, deals, pipelines and the kanban view,
 * activities, imports and exports, lead conversion. Mounted under /api by
 * worker/app.ts. Its record search is served by the global search
 * (worker/search), which also finds calls.
 */
import { createRouter } from "../platform/http";
import { activityRoutes } from "./activity-routes";
import { dealRoutes } from "./deals/deal-routes";
import { kanbanRoutes } from "./deals/kanban-routes";
import { pipelineRoutes } from "./deals/pipeline-routes";
import { importRoutes } from "./imports/import-routes";
import { leadConversionRoutes } from "./records/lead-conversion-routes";
import { companyRoutes, contactRoutes, leadRoutes } from "./records/record-router";

export { publishActivityChanged } from "./activity-events";
export { defaultPipelineStatements } from "./deals/pipelines";

/** For the global search (worker/search) and the AI assistant's tools, which read and propose through the same permission-checked services as REST. */
export { search as searchRecords, SEARCH_TYPES, type SearchHit, type SearchType } from "./record-search";
export { getDeal, listDeals, moveDeal } from "./deals/deals";
/** For deal line items (worker/financial), whose total becomes the deal's amount through the same room path as a PATCH. */
export { updateDeal } from "./deals/deals";
export { listPipelines } from "./deals/pipelines";
/** For forecasts (worker/forecast), which read a pipeline's stages and their configured probabilities. */
export { requirePipeline, type PipelineView } from "./deals/pipelines";
export { contactService } from "./records/contact-record-type";
export { companyService } from "./records/company-record-type";
export { leadService } from "./records/lead-record-type";
export { createActivity, listActivities } from "./activities";
/** For segments (worker/automation/segments), which save a list filter and select through the list's own parser and query builder. */
export {
  exportSelection,
  isTimeRelative,
  listSelection,
  readsLinkedCompany,
  selectionConditions,
  selectionFilterSchema,
  selectionTable,
  timeRelativeKeys,
  type SelectableEntity,
} from "./records/record-selection";
export { csvHeaders } from "./imports/csv-export";

/** For workflow actions (worker/automation), which change records through the same services and validation as REST. */
export { UpdateDeal as DealPatchSchema } from "./deals/deal-routes";
export { recordInput as recordInputFields } from "./records/record-schemas";

export const crmRoutes = createRouter()
  .route("/companies", companyRoutes)
  .route("/contacts", contactRoutes)
  .route("/leads", leadRoutes)
  .route("/pipelines", pipelineRoutes)
  .route("/activities", activityRoutes)
  .route("/imports", importRoutes)
  .route("/deals", dealRoutes)
  .route("/kanban", kanbanRoutes)
  .route("/leads", leadConversionRoutes);
