/**
 * Lead and deal scores: one model per organization and record type, learned
 * from its own closed history (logistic regression over bucketed features),
 * explained in points; editable rules below the minimum of outcomes;
 * manager overrides; retraining and rescoring on the queue. Mounted under
 * /api/scoring by worker/app.ts.
 */
import { SCORING_REFRESH_JOB, SCORING_RETRAIN_JOB, type ScoringRefreshJob, type ScoringRetrainJob } from "../../schema/jobs";
import { createRouter } from "../platform/http";
import { registerJob } from "../platform/job-queue";
import { registerScheduledTask } from "../platform/scheduled-tasks";
import { nightlyRetrainTask, runRefreshJob, runRetrainJob } from "./scoring-jobs";
import { scoringRoutes as routes } from "./scoring-routes";

export { scoringNudge } from "./scoring-nudge";
export { requestRefresh } from "./scoring-jobs";
/** For the workflow action "score": these records rescored now by the organization's model. */
export { rescore } from "./score-writer";

registerJob(SCORING_RETRAIN_JOB, (env, job) => runRetrainJob(env, job as ScoringRetrainJob));
registerJob(SCORING_REFRESH_JOB, (env, job) => runRefreshJob(env, job as ScoringRefreshJob));
registerScheduledTask("scoring-nightly", nightlyRetrainTask);

export const scoringRoutes = createRouter().route("/scoring", routes);
