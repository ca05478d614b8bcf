/**
 * Live insights: rules raise insights that cite their evidence, each reaching
 * only the members who may see its record (worker/platform/record-audience.ts);
 * the inbox lets each member dismiss or snooze their own. Scoring (hot leads),
 * support (escalations) and the AI layer (summaries) raise theirs through
 * `raiseInsight`; the deal-at-risk rules live here. Mounted under /api by
 * worker/app.ts.
 */
import { createRouter } from "../platform/http";
import { registerScheduledTask } from "../platform/scheduled-tasks";
import { insightRoutes } from "./insight-routes";
import { insightSweepTask } from "./insight-sweep";

export { raiseInsight, resolveInsight, type RaiseInsightInput } from "./insight-store";

/** For the dashboard: the newest of a member's inbox, with the rules brought up to date first. */
export { listInbox, type InsightView } from "./insight-inbox";
export { InsightSchema } from "./insight-schema";
export { refreshOrgInsights } from "./insight-sweep";

registerScheduledTask("insight-rules", insightSweepTask);

export const insightsRoutes = createRouter().route("/insights", insightRoutes);
