import { createRouter } from "../../platform/http";
import { triggerRoutes } from "./trigger-routes";
import { workflowRoutes } from "./workflow-routes";

/** The workflow engine's API, mounted at /api/automation. */
export const workflowEngineRoutes = createRouter().route("/workflows", workflowRoutes).route("/triggers", triggerRoutes);
