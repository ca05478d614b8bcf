/**
 * Segments: saved list filters over contacts, companies or leads, with a
 * membership kept current as records change (the `segments` domain-event
 * consumer), on a schedule for filters that move with the clock, and in
 * one full evaluation after bulk changes.
 */
import { registerJob } from "../../platform/job-queue";
import { registerEventConsumer } from "../events/event-consumers";
import { onRecordEvent, runSegmentEvaluationJob, SEGMENT_EVALUATION_JOB, type SegmentEvaluationJob } from "./segment-events";

registerEventConsumer("segments", onRecordEvent);
registerJob(SEGMENT_EVALUATION_JOB, (env, job) => runSegmentEvaluationJob(env, job as SegmentEvaluationJob));

export { segmentRoutes } from "./segment-routes";
export { segmentRecencyTask } from "./segment-events";
