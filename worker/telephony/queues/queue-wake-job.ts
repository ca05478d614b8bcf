/**
 * The Queue jobs that move Twilio callers waiting on hold music back into
 * routing (twilio-wait.ts). Their own module so the agent status service can
 * enqueue the wake-up without importing the telephony services.
 */
export const QUEUE_WAKE_JOB = "telephony-queue-wake";
export const MAX_WAIT_JOB = "telephony-queue-max-wait";

/** An agent became available: their queues' oldest holding callers are routed again. */
export interface QueueWakeJob {
  type: typeof QUEUE_WAKE_JOB;
  orgId: string;
  userId: string;
  [key: string]: unknown;
}

/** A caller's maxWait in a queue is up: routed again (so overflow), if still holding in that stint. */
export interface MaxWaitJob {
  type: typeof MAX_WAIT_JOB;
  orgId: string;
  providerId: string;
  /** The record's CallSid (calls.provider_call_id). */
  callSid: string;
  queueId: string;
  /** When the caller entered the queue (the `since` of its queue-wait URL). */
  since: number;
  [key: string]: unknown;
}
