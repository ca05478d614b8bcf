/**
 * Global search: one type-ahead over what several features hold (CRM
 * records, calls by their transcripts). It reaches each feature through its
 * index.ts, which CRM itself could not do for calls (telephony depends on
 * CRM). Mounted under /api by worker/app.ts.
 */
import { createRouter } from "../platform/http";
import { globalSearchRoutes } from "./search-routes";

export const searchRoutes = createRouter().route("/search", globalSearchRoutes);
