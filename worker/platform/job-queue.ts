import type { Env } from "./env";

/** A background job. `type` picks the handler; the rest is the handler's own payload. */
export interface Job {
  type: string;
  /**
   * Jobs of one batch naming the same sequence run one after another, in
   * batch order, beside the other sequences; jobs naming none share one
   * sequence, so they keep running one at a time.
   */
  sequence?: string;
  [key: string]: unknown;
}

/**
 * What the jobs of one batch share: a lookup every job of a backlog would
 * repeat (an organization's workflows, its webhook endpoints) is made once
 * per batch. A batch is handled as of one moment, so each job sees what it
 * would have seen run first.
 */
export class BatchMemo {
  #values = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.#values.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      this.#values.set(key, value);
      // A failed lookup is asked again by the next job, not handed to it.
      value.catch(() => this.#values.delete(key));
    }
    return value;
  }
}

export type JobHandler = (env: Env, job: Job, batch: BatchMemo) => Promise<void>;

/** Handlers register here by job type; features add theirs beside their services. */
const handlers = new Map<string, JobHandler>();

export function registerJob(type: string, handler: JobHandler): void {
  handlers.set(type, handler);
}

/** `delaySeconds` holds the job back (Cloudflare Queues: at most 12 hours). */
export async function enqueue(env: Pick<Env, "JOBS">, job: Job, options?: QueueSendOptions): Promise<void> {
  await env.JOBS.send(job, options);
}

/** Acks the message when its handler succeeds, else retries it alone, so one bad job never holds back a batch. */
async function runMessage(message: Message<Job>, env: Env, batch: BatchMemo): Promise<void> {
  const handler = handlers.get(message.body?.type);
  if (!handler) {
    console.error(JSON.stringify({ level: "error", msg: "unknown job", type: message.body?.type }));
    message.ack();
    return;
  }
  try {
    await handler(env, message.body, batch);
    message.ack();
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "job failed", type: message.body.type, err: String(err) }));
    message.retry();
  }
}

/**
 * Runs a batch's sequences side by side: a backlog of independent jobs
 * (events about different records) drains at the speed of its I/O rather
 * than one round trip after another.
 */
export async function handleQueue(batch: MessageBatch<Job>, env: Env): Promise<void> {
  const memo = new BatchMemo();
  const sequences = new Map<string, Message<Job>[]>();
  for (const message of batch.messages) {
    const key = typeof message.body?.sequence === "string" ? `s:${message.body.sequence}` : "";
    sequences.set(key, [...(sequences.get(key) ?? []), message]);
  }
  await Promise.all(
    [...sequences.values()].map(async (messages) => {
      for (const message of messages) await runMessage(message, env, memo);
    }),
  );
}
