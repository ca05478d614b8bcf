import type { Env } from "./env";

/** A background job. `type` picks the handler; the rest is the handler's own payload. */
export interface Job {
  type: string;
  [key: string]: unknown;
}

export type JobHandler = (env: Env, job: Job) => Promise<void>;

/** Handlers register here by job type; features add theirs beside their services. */
const handlers = new Map<string, JobHandler>();

export function registerJob(type: string, handler: JobHandler): void {
  handlers.set(type, handler);
}

/** `delaySeconds` holds the job back (Cloudflare Queues: at most 12 hours). */
export async function enqueue(env: Pick<Env, "JOBS">, job: Job, options?: QueueSendOptions): Promise<void> {
  await env.JOBS.send(job, options);
}

/** Each message is acked or retried on its own, so one bad job never holds back a batch. */
export async function handleQueue(batch: MessageBatch<Job>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const handler = handlers.get(message.body?.type);
    if (!handler) {
      console.error(JSON.stringify({ level: "error", msg: "unknown job", type: message.body?.type }));
      message.ack();
      continue;
    }
    try {
      await handler(env, message.body);
      message.ack();
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "job failed", type: message.body.type, err: String(err) }));
      message.retry();
    }
  }
}
