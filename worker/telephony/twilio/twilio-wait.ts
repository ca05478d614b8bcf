import { and, desc, eq, inArray, isNull, like } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { enqueue, type JobHandler } from "../../platform/job-queue";
import { orgDb, type Db } from "../../platform/db";
import { callActivities, callQueueMembers, calls, telephonyProviders } from "../../../schema";
import { applyCallEvent, type CallEnv } from "../calls";
import { providerForWebhook } from "../providers/providers";
import { MAX_WAIT_JOB, QUEUE_WAKE_JOB, type MaxWaitJob, type QueueWakeJob } from "../../../schema/jobs";
import { queueMemberStates, requireQueue, type QueueRow } from "../queues/call-queues";
import type { RouteContext, RouteState } from "./twilio-route-state";
import { redirectCallToUrl, twilioAccount, type TwilioAccount } from "./twilio-rest";

/**
 * Callers holding in a Twilio queue hear one track of hold music, then
 * `<Redirect>` to `/queue-wait` for a new routing pass. Two things must not
 * wait for the end of the track, so they redirect the live call to that same
 * signed queue-wait URL through the REST API (`POST /Calls/{sid}` Url=):
 * - an agent of the queue becomes available (QUEUE_WAKE_JOB, enqueued by
 *   announceAgentStatus): the queue's oldest holding callers (by when they
 *   entered the queue), as many as the queue has available members (a
 *   caller who already hung up at Twilio does not count). Not
 *   every waiter: the extras would only hear "please hold" again and their
 *   track restart;
 * - the queue's maxWait is up (MAX_WAIT_JOB, delayed by the time left when
 *   the caller starts holding): routing then overflows on time.
 * A holding caller is marked by a `queued` timeline row (event id
 * `<CallSid>:wait:<queueId>:<since>`, once per stay in a queue) carrying the
 * queue-wait URL and the leg to redirect. It holds while that kind of row is
 * its latest routing row: an offer (`ringing`), an answer, a transfer or the
 * end means it is not on hold music, and is left alone (a ringing offer
 * comes back through `/dial-status`, which checks maxWait itself).
 * Redirecting a call that has just ended is a no-op (Twilio 21220 / 404).
 */

/** Cloudflare Queues delays messages by at most 12 hours. */
const MAX_DELAY_SECONDS = 43_200;
const ROUTING_ROWS = ["queued", "ringing", "transfer", "answered", "ended"] as const;

export interface WaitMark {
  queueId: string;
  since: number;
  /** The signed queue-wait URL of the hold TwiML's `<Redirect>`. */
  url: string;
  /** The leg hearing the music (the customer's), which the REST update moves. */
  leg: string;
}

type WaitEnv = CallEnv & Partial<Pick<Env, "JOBS">>;

/** The caller starts holding in `queue`: the wait mark, and, once per stay, the maxWait job. */
export async function startWaiting(ctx: RouteContext, queue: QueueRow, state: RouteState, url: string) {
  const orgId = ctx.req.provider.orgId;
  const wait: WaitMark = { queueId: queue.id, since: state.since, url, leg: ctx.req.params.CallSid || ctx.callSid };
  const { applied } = await applyCallEvent(ctx.env, orgId, {
    providerId: ctx.req.provider.id,
    providerCallId: ctx.callSid,
    status: "queued",
    at: Date.now(),
    eventId: `${ctx.callSid}:wait:${queue.id}:${state.since}`,
    queueId: queue.id,
    data: { wait },
  });
  const jobs = (ctx.env as WaitEnv).JOBS;
  if (!applied || !jobs) return;
  const job: MaxWaitJob = { type: MAX_WAIT_JOB, orgId, providerId: ctx.req.provider.id, callSid: ctx.callSid, queueId: queue.id, since: state.since };
  await enqueueMaxWait({ JOBS: jobs }, job, queue.maxWaitSeconds).catch((err: unknown) =>
    console.error(JSON.stringify({ level: "error", msg: "max wait job not queued", orgId, err: String(err) })),
  );
}

function enqueueMaxWait(env: Pick<Env, "JOBS">, job: MaxWaitJob, maxWaitSeconds: number) {
  const left = Math.ceil((job.since + maxWaitSeconds * 1000 - Date.now()) / 1000);
  return enqueue(env, job, { delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(1, left)) });
}

/** The call's stay on hold music now, or null when it is ringing an agent, talking, gone elsewhere or ended. */
export async function holdingWait(db: Db, orgId: string, callId: string, callSid: string): Promise<WaitMark | null> {
  const own = and(eq(callActivities.orgId, orgId), eq(callActivities.callId, callId));
  const latest = await db
    .select({ type: callActivities.type })
    .from(callActivities)
    .where(and(own, inArray(callActivities.type, [...ROUTING_ROWS])))
    .orderBy(desc(callActivities.at), desc(callActivities.id))
    .limit(1)
    .get();
  if (latest?.type !== "queued") return null;
  const mark = await db
    .select({ data: callActivities.data })
    .from(callActivities)
    .where(and(own, eq(callActivities.type, "queued"), like(callActivities.eventId, `${callSid}:wait:%`)))
    .orderBy(desc(callActivities.at), desc(callActivities.id))
    .limit(1)
    .get();
  const wait = mark?.data.wait as Partial<WaitMark> | undefined;
  if (typeof wait?.queueId !== "string" || typeof wait.url !== "string" || typeof wait.leg !== "string" || typeof wait.since !== "number") return null;
  return { queueId: wait.queueId, since: wait.since, url: wait.url, leg: wait.leg };
}

/** Twilio accounts by provider, looked up once per job. */
function accounts(env: Env, db: Db, orgId: string) {
  const cache = new Map<string, Promise<TwilioAccount | null>>();
  return (providerId: string) => {
    let account = cache.get(providerId);
    if (!account) {
      account = providerForWebhook(db, providerId).then((p) => (p && p.type === "twilio" && p.orgId === orgId ? twilioAccount(env, p) : null));
      cache.set(providerId, account);
    }
    return account;
  };
}

/** False when there was nothing to move: no Twilio account, or the call had already ended at Twilio. */
async function redirect(account: TwilioAccount | null, wait: WaitMark, orgId: string) {
  if (!account) return false;
  const live = await redirectCallToUrl(account, wait.leg, wait.url);
  if (!live) console.log(JSON.stringify({ level: "info", msg: "waiting call already ended at Twilio", orgId, leg: wait.leg }));
  return live;
}

/** QUEUE_WAKE_JOB: each of the agent's queues routes its oldest holding callers again, one per available member. */
export async function wakeQueues(env: Env, job: Pick<QueueWakeJob, "orgId" | "userId">) {
  const db = orgDb(env, job.orgId);
  const memberOf = await db
    .select({ queueId: callQueueMembers.queueId })
    .from(callQueueMembers)
    .where(and(eq(callQueueMembers.orgId, job.orgId), eq(callQueueMembers.userId, job.userId)));
  const queueIds = memberOf.map((m) => m.queueId);
  if (queueIds.length === 0) return;
  const open = await db
    .select({ id: calls.id, providerId: calls.providerId, callSid: calls.providerCallId, queueId: calls.queueId })
    .from(calls)
    .innerJoin(telephonyProviders, and(eq(telephonyProviders.id, calls.providerId), eq(telephonyProviders.type, "twilio")))
    .where(and(eq(calls.orgId, job.orgId), inArray(calls.queueId, queueIds), isNull(calls.endedAt)));
  const account = accounts(env, db, job.orgId);
  for (const queueId of queueIds) {
    const holding: { providerId: string; wait: WaitMark }[] = [];
    for (const call of open.filter((c) => c.queueId === queueId)) {
      const wait = await holdingWait(db, job.orgId, call.id, call.callSid);
      if (wait?.queueId === queueId) holding.push({ providerId: call.providerId, wait });
    }
    if (holding.length === 0) continue;
    let free = (await queueMemberStates(db, job.orgId, queueId)).filter((m) => m.status === "available").length;
    holding.sort((a, b) => a.wait.since - b.wait.since);
    // A caller who has just hung up takes no agent: the next one is moved instead.
    for (const { providerId, wait } of holding) {
      if (free <= 0) break;
      if (await redirect(await account(providerId), wait, job.orgId)) free--;
    }
  }
}

/** MAX_WAIT_JOB: the caller, still holding in the same stay, is routed again once maxWait is up (early: later). */
export async function maxWaitReached(env: Env, job: MaxWaitJob) {
  const db = orgDb(env, job.orgId);
  const call = await db
    .select({ id: calls.id, endedAt: calls.endedAt, queueId: calls.queueId })
    .from(calls)
    .where(and(eq(calls.orgId, job.orgId), eq(calls.providerId, job.providerId), eq(calls.providerCallId, job.callSid)))
    .get();
  if (!call || call.endedAt !== null || call.queueId !== job.queueId) return;
  const wait = await holdingWait(db, job.orgId, call.id, job.callSid);
  if (!wait || wait.queueId !== job.queueId || wait.since !== job.since) return;
  const queue = await requireQueue(db, job.orgId, job.queueId).catch(() => null);
  // A queue that is gone sends the caller on at once (routing answers voicemail).
  if (queue && Date.now() < job.since + queue.maxWaitSeconds * 1000) return enqueueMaxWait(env, job, queue.maxWaitSeconds);
  await redirect(await accounts(env, db, job.orgId)(job.providerId), wait, job.orgId);
}

export const queueWakeJob: JobHandler = (env, job) => wakeQueues(env, job as QueueWakeJob);
export const maxWaitJob: JobHandler = (env, job) => maxWaitReached(env, job as MaxWaitJob);
