/**
 * The dashboard: the sales and service cockpit, read from every feature
 * (CRM, forecast, support, telephony, insights). Nothing depends on it.
 * Mounted under /api by worker/app.ts.
 */
import { createRouter } from "../platform/http";
import { dashboardRoutes } from "./dashboard-routes";

export const dashboardRoute = createRouter().route("/dashboard", dashboardRoutes);
