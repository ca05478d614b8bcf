/**
 * Live insights: rules raise insights that cite their evidence, each reaching
 * only the members who may see its record (worker/platform/record-audience.ts);
 * the inbox lets each member dismiss or snooze their own. Scoring (hot leads),
 * support (escalations) and the AI layer (summaries) raise theirs through
 * `raiseInsight`. Mounted under /api by worker/app.ts.
 */
export { raiseInsight, resolveInsight, type RaiseInsightInput } from "./insight-store";
