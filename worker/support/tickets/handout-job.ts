/**
 * The Queue job that hands an agent the queued tickets of their teams when
 * they become available (handout.ts). Its own module so the agent status
 * service can enqueue it without importing the ticket services.
 */
export const HANDOUT_JOB = "support-handout";

export interface HandoutJob {
  type: typeof HANDOUT_JOB;
  orgId: string;
  userId: string;
  [key: string]: unknown;
}
