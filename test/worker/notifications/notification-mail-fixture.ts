import { env } from "cloudflare:workers";
import { inject } from "vitest";
import type { NotificationEmailJob } from "../../../worker/notifications/notification-email";
import { FAKE_MAILGUN } from "../../fakes/email-api-fixtures";

/** The worker's env with mail going to the local fake Mailgun (plus `extra`), and queued jobs kept for the test to run. */
export function mailEnv(extra: Partial<typeof env> = {}) {
  const jobs: NotificationEmailJob[] = [];
  const configured = {
    ...env,
    EMAIL_API_URL: `${inject("emailApiFakeUrl")}/v3/${FAKE_MAILGUN.domain}/messages.mime`,
    EMAIL_API_KEY: FAKE_MAILGUN.apiKey,
    ...extra,
    JOBS: { send: async (job: NotificationEmailJob) => void jobs.push(job), sendBatch: async () => undefined } as unknown as Queue,
  } as typeof env;
  return { env: configured, jobs };
}
