/**
 * Segments: saved list filters over contacts, companies or leads, with a
 * membership kept current as records change (the `segments` domain-event
 * consumer), on a schedule for filters that move with the clock, and in
 * one full evaluation after bulk changes.
 */
export { segmentRoutes } from "./segment-routes";
export { segmentRecencyTask, onRecordEvent, runSegmentEvaluationJob, SEGMENT_EVALUATION_JOB, type SegmentEvaluationJob } from "./segment-events";
