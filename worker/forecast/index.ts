/**
 * Forecasts learned from history: stage probabilities from the deals' stage
 * history, the per-period forecast against targets with its drill-down, and
 * weekly snapshots checked against what was won. Mounted under /api by
 * worker/app.ts.
 */
import { createRouter } from "../platform/http";
import { forecastRoutes as forecastReadRoutes } from "./forecast-routes";
import { forecastTargetRoutes } from "./forecast-target-routes";

export { ForecastClock } from "./forecast-clock";
export { forecastSnapshotTask } from "./forecast-snapshot-task";
/** For the dashboard: the same forecast the forecast page shows. */
export { forecastFor, scopeOf, type Forecast } from "./forecast";

export const forecastRoutes = createRouter().route("/forecast", forecastTargetRoutes).route("/forecast", forecastReadRoutes);
