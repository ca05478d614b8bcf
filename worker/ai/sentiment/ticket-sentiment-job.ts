import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import type { Job } from "../../platform/job-queue";
import type { TicketSentimentJob } from "../../../schema/jobs";
import { applyTicketSentiment, customerMessageText } from "../../support";
import { judgeWithFallback } from "../../sentiment";
import { orgSentimentModelOrNull } from "./org-sentiment-model";

/**
 * A customer's ticket message judged by the organization's remote model
 * after it was written (support enqueues the job, so mail intake never
 * waits on a model). A message already judged or gone is left alone.
 */
export async function judgeTicketMessage(env: Env, job: TicketSentimentJob) {
  const text = await customerMessageText(env, job.orgId, job.ticketId, job.commentId);
  if (text === null) return;
  const [judged] = await judgeWithFallback(await orgSentimentModelOrNull(env, orgDb(env, job.orgId), job.orgId), [text]);
  await applyTicketSentiment(env, job.orgId, job.ticketId, job.commentId, judged!);
}

export const ticketSentimentJob = (env: Env, job: Job) => judgeTicketMessage(env, job as TicketSentimentJob);
