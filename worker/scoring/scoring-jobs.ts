import { and, eq, inArray } from "drizzle-orm";
import { deals, leads, organizations, SCORED_TYPES, type ScoredType } from "../../schema";
import { SCORING_REFRESH_JOB, SCORING_RETRAIN_JOB, type ScoringRefreshJob, type ScoringRetrainJob } from "../../schema/jobs";
import type { Env } from "../platform/env";
import { orgDb, type Db } from "../platform/db";
import { enqueue } from "../platform/job-queue";
import { activeModel, recentModels } from "./model-store";
import { retrain } from "./model-training";
import { rescore } from "./score-writer";
import { REFRESH_DELAY_SECONDS, RETRAIN_DEBOUNCE_MS } from "./scoring-limits";

/**
 * Scoring's background work, on the queue: retraining (the button, new
 * outcomes, nightly) and refreshing scores after records change. Local dev
 * has no cron, so everything but the nightly run is driven by queue jobs
 * with a delay, which `wrangler dev` runs too.
 */

export const retrainJob = (orgId: string, recordType: ScoredType, reason: string, by?: string | null): ScoringRetrainJob => ({
  type: SCORING_RETRAIN_JOB,
  orgId,
  recordType,
  reason,
  by: by ?? null,
});

export async function runRetrainJob(env: Env, job: ScoringRetrainJob) {
  if (!SCORED_TYPES.includes(job.recordType)) return;
  const db = orgDb(env, job.orgId);
  const now = Date.now();
  const result = await retrain(env, db, job.orgId, job.recordType, now);
  // A rejected candidate leaves the model as it was; scores still move with time (age, days since activity).
  if (!result.rescored) await rescore(env, db, job.orgId, job.recordType, now);
}

/** Asks for a refresh of the organization's scores a moment from now; bursts of writes coalesce in the job. */
export function requestRefresh(env: Pick<Env, "JOBS">, orgId: string) {
  const job: ScoringRefreshJob = { type: SCORING_REFRESH_JOB, orgId, requestedAt: Date.now() };
  return enqueue(env, job, { delaySeconds: REFRESH_DELAY_SECONDS });
}

const refreshedKey = (orgId: string) => `scoring:refreshed:${orgId}`;
/** How far back a refresh looks before the previous one began, for writes that committed while it ran. */
const OVERLAP_MS = 60_000;

async function closedCount(db: Db, orgId: string, type: ScoredType) {
  return type === "lead"
    ? db.$count(leads, and(eq(leads.orgId, orgId), inArray(leads.status, ["converted", "unqualified"])))
    : db.$count(deals, and(eq(deals.orgId, orgId), inArray(deals.status, ["won", "lost"])));
}

/**
 * Rescores what changed since the previous refresh began (everything, the
 * first time). A job requested before that refresh began is already covered
 * and does nothing, which is the debounce. When the number of outcomes
 * differs from what the latest training saw, and that training is older
 * than the debounce, a retraining is queued.
 */
export async function runRefreshJob(env: Env, job: ScoringRefreshJob) {
  const db = orgDb(env, job.orgId);
  const last = Number(await env.CACHE.get(refreshedKey(job.orgId))) || 0;
  if (last >= job.requestedAt) return;
  const started = Date.now();
  await env.CACHE.put(refreshedKey(job.orgId), String(started), { expirationTtl: 30 * 86_400 });
  for (const type of SCORED_TYPES) {
    const model = await activeModel(db, job.orgId, type);
    if (!model) {
      await retrain(env, db, job.orgId, type, started);
      continue;
    }
    await rescore(env, db, job.orgId, type, started, last ? { since: last - OVERLAP_MS } : {});
    const [latest] = await recentModels(db, job.orgId, type, 1);
    const outcomes = await closedCount(db, job.orgId, type);
    if (latest && outcomes !== latest.samples && started - latest.trainedAt >= RETRAIN_DEBOUNCE_MS) {
      await enqueue(env, retrainJob(job.orgId, type, "outcomes"));
    }
  }
}

/** Nightly (02:00 UTC): every organization retrains both models, which also rescores time-dependent features such as age. */
export async function nightlyRetrainTask(env: Env, at: Date) {
  if (at.getUTCHours() !== 2 || at.getUTCMinutes() !== 0) return;
  const orgs = await orgDb(env, "").select({ id: organizations.id }).from(organizations);
  for (const org of orgs) for (const type of SCORED_TYPES) await enqueue(env, retrainJob(org.id, type, "nightly"));
}
