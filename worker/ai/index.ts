/**
 * The AI layer: one provider seam (providers/), the organization's own model
 * settings and usage metering (settings/, usage/). Mounted under /api by
 * worker/app.ts.
 */
import { createRouter } from "../platform/http";
import { aiTicketDraftRoutes } from "./drafts/ticket-draft-routes";
import { aiAssistantRoutes } from "./assistant/assistant-routes";
import { aiSettingsRoutes } from "./settings/ai-settings-routes";

export const aiRoutes = createRouter()
  .route("/ai", aiSettingsRoutes)
  .route("/ai/conversations", aiAssistantRoutes)
  .route("/ai", aiTicketDraftRoutes);
