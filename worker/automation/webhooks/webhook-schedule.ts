/**
 * When the next attempt of a failed message is due, per the Standard Webhooks
 * retry schedule: 5 s, 5 min, 30 min, 2 h, 5 h and 10 h after the attempt
 * before, then daily, while within three days of the first attempt.
 */

const SECOND = 1000;
const HOUR = 3600 * SECOND;
export const RETRY_DELAYS_MS = [5 * SECOND, 5 * 60 * SECOND, 30 * 60 * SECOND, 2 * HOUR, 5 * HOUR, 10 * HOUR] as const;
export const DAILY_RETRY_MS = 24 * HOUR;
export const RETRY_WINDOW_MS = 72 * HOUR;

/** Due time of attempt `attemptsMade + 1`, or null when the message has had its last attempt. */
export function nextAttemptAt(firstAttemptAt: number, attemptsMade: number, lastAttemptAt: number): number | null {
  const delay = RETRY_DELAYS_MS[attemptsMade - 1] ?? DAILY_RETRY_MS;
  const due = lastAttemptAt + delay;
  return due - firstAttemptAt <= RETRY_WINDOW_MS ? due : null;
}

/** Queues hold a message back at most 12 hours; a longer wait is chained. */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 3600;

export const queueDelaySeconds = (dueAt: number, now: number) => Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt - now) / SECOND)));
