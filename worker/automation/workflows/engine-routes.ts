import { createRouter } from "../../platform/http";
import { ruleRoutes } from "./rule-routes";
import { runRoutes } from "./run-routes";
import { triggerRoutes } from "./trigger-routes";
import { workflowRoutes } from "./workflow-routes";

/** The workflow engine's API, mounted at /api/automation; importing it registers the "workflows" event consumer. */
export const workflowEngineRoutes = createRouter()
  .route("/workflows", workflowRoutes)
  .route("/runs", runRoutes)
  .route("/triggers", triggerRoutes)
  .route("/rules", ruleRoutes);

export { workflowScheduleTask } from "./workflow-schedules";
