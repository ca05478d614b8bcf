import VoiceResponse from "twilio/lib/twiml/VoiceResponse.js";
import { asc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { callQueues } from "../../../schema";
import { partyNames } from "../call-matching";
import { applyCallEvent, type CallEnv } from "../calls";
import { agentsToRing, queueMemberStates, requireQueue, type QueueRow } from "../queues/call-queues";
import { startWaiting } from "./twilio-wait";
import { holdMusicOf, identityForUser } from "./twilio-webhook";
import { stateQuery, type RouteContext, type RouteState } from "./twilio-route-state";

/**
 * Inbound routing, one TwiML document per step. Twilio holds the state for
 * us in the URLs it calls back (signed, so trusted): `since` (when the caller
 * entered the queue), `tried` (members offered this call in the current
 * pass) and `hops` (queue overflows followed). Each step:
 * - asks the queue strategy who to ring (`agentsToRing`, skipping `tried`):
 *   ring_all → every available member as `<Client>`s of one `<Dial>`;
 *   round_robin / longest_idle → one member per `<Dial>`; the `<Dial action>`
 *   (`/dial-status`) comes back on no-answer and offers the next one;
 * - nobody to ring, but members who may free up (busy, wrap-up) and the
 *   queue's maxWait not reached → the caller holds, hearing the hold music
 *   (`<Play>` one track, then `<Redirect>` to `/queue-wait`, a new pass).
 *   An agent becoming available, or the maxWait running out, redirects the
 *   holding caller to that same URL at once (twilio-wait.ts);
 * - otherwise the queue's overflow: voicemail (`<Record>`), a number
 *   (`<Dial><Number>`) or another queue (at most MAX_HOPS times).
 */

export const MAX_HOPS = 3;

/** The provider's default queue, else the organization's oldest one. */
export async function inboundQueue(db: Db, orgId: string, defaultQueueId: string | null): Promise<QueueRow | null> {
  if (defaultQueueId) {
    const q = await requireQueue(db, orgId, defaultQueueId).catch(() => null);
    if (q) return q;
  }
  return (await db.select().from(callQueues).where(eq(callQueues.orgId, orgId)).orderBy(asc(callQueues.createdAt)).limit(1).get()) ?? null;
}

function event(ctx: RouteContext, status: "queued" | "ringing" | "transferred", eventId: string, extra: Record<string, unknown>) {
  return applyCallEvent(ctx.env, ctx.req.provider.orgId, {
    providerId: ctx.req.provider.id,
    providerCallId: ctx.callSid,
    status,
    at: Date.now(),
    eventId: `${ctx.callSid}:${eventId}`,
    ...extra,
  });
}

/** Voicemail: a prompt, then `<Record>`; the recording callback copies it into the app. */
export function voicemail(ctx: RouteContext, twiml = new VoiceResponse()) {
  twiml.say("Sorry, nobody can take your call right now. Please leave a message after the tone.");
  twiml.record({
    maxLength: 180,
    playBeep: true,
    action: ctx.hook("voicemail"),
    recordingStatusCallback: ctx.hook("recording", { kind: "voicemail" }),
    recordingStatusCallbackEvent: ["completed"],
  });
  return twiml.toString();
}

async function overflow(ctx: RouteContext, queue: QueueRow, state: RouteState): Promise<string> {
  const target = queue.overflowTarget;
  if (queue.overflowAction === "queue" && target && state.hops < MAX_HOPS) {
    await event(ctx, "transferred", `overflow:${queue.id}:${state.hops}`, { queueId: target, agentUserId: null, data: { overflow: "queue", fromQueueId: queue.id } });
    return routeQueue(ctx, { queueId: target, since: Date.now(), tried: [], hops: state.hops + 1 });
  }
  if (queue.overflowAction === "number" && target) {
    await event(ctx, "transferred", `overflow:${queue.id}:${state.hops}`, { agentUserId: null, data: { overflow: "number", to: target } });
    const twiml = new VoiceResponse();
    twiml.dial({ action: ctx.hook("voicemail", { forwarded: "1" }) }).number({ statusCallback: ctx.hook("status", { leg: "callee" }), statusCallbackEvent: ["ringing", "answered", "completed"] }, target);
    return twiml.toString();
  }
  await event(ctx, "transferred", `overflow:${queue.id}:${state.hops}`, { agentUserId: null, data: { overflow: "voicemail" } });
  return voicemail(ctx);
}

/** Caller details for the agent's browser, so the softphone pops the record before answering. */
async function clientParameters(ctx: RouteContext, queue: QueueRow) {
  const { call } = await event(ctx, "queued", `queued:${queue.id}`, { queueId: queue.id, direction: "inbound", from: ctx.req.params.From, to: ctx.req.params.To });
  const params: Record<string, string> = { callId: call.id, from: call.from, queueId: queue.id, queueName: queue.name };
  if (call.contactId) params.contactId = call.contactId;
  if (call.leadId) params.leadId = call.leadId;
  if (call.dealId) params.dealId = call.dealId;
  const name = (await partyNames(ctx.db, ctx.req.provider.orgId, [call])).get(call.contactId ?? call.leadId ?? "");
  if (name) params.callerName = name;
  return params;
}

export async function routeQueue(ctx: RouteContext, state: RouteState): Promise<string> {
  const orgId = ctx.req.provider.orgId;
  const queue = await requireQueue(ctx.db, orgId, state.queueId).catch(() => null);
  if (!queue) return voicemail(ctx);
  const parameters = await clientParameters(ctx, queue);
  const agents = await agentsToRing(ctx.db, orgId, queue.id, state.tried);
  const waited = Date.now() - state.since;

  if (agents.length === 0) {
    const members = await queueMemberStates(ctx.db, orgId, queue.id);
    const mayFreeUp = members.some((m) => m.status === "available" || m.status === "busy" || m.status === "wrap_up");
    if (!mayFreeUp || waited >= queue.maxWaitSeconds * 1000) return overflow(ctx, queue, state);
    // Nobody rings while the caller holds: an agent the system made busy by an offer is released.
    if (state.tried.length) await event(ctx, "queued", `hold:${Date.now()}`, { queueId: queue.id, agentUserId: null });
    const again = ctx.hook("queue-wait", stateQuery({ ...state, tried: [] }));
    await startWaiting(ctx, queue, state, again);
    const twiml = new VoiceResponse();
    if (state.tried.length === 0) twiml.say("All of our agents are busy. Please hold.");
    twiml.play(holdMusicOf(ctx.req.config));
    twiml.redirect({ method: "POST" }, again);
    return twiml.toString();
  }

  const single = agents.length === 1 && queue.strategy !== "ring_all";
  await event(ctx, "ringing", `offer:${Date.now()}:${agents.join(",")}`, { queueId: queue.id, ...(single ? { agentUserId: agents[0] } : {}), data: { offeredTo: agents } });
  const twiml = new VoiceResponse();
  const record = ctx.req.config.recordCalls
    ? { record: "record-from-answer-dual" as const, recordingStatusCallback: ctx.hook("recording", { kind: "call" }), recordingStatusCallbackEvent: ["completed" as const] }
    : {};
  const dial = twiml.dial({ timeout: queue.ringTimeoutSeconds, action: ctx.hook("dial-status", stateQuery({ ...state, tried: [...state.tried, ...agents] })), ...record });
  for (const userId of agents) {
    const client = dial.client({ statusCallback: ctx.hook("status", { leg: "agent" }), statusCallbackEvent: ["ringing", "answered", "completed"] });
    client.identity(await identityForUser(ctx.db, orgId, ctx.req.provider.id, userId));
    for (const [name, value] of Object.entries(parameters)) client.parameter({ name, value });
  }
  return twiml.toString();
}

/** After a queue `<Dial>`: done when an agent took the call, else the next offer. */
export async function afterQueueDial(ctx: RouteContext, state: RouteState): Promise<string> {
  const status = ctx.req.params.DialCallStatus;
  if (status === "completed" || status === "answered") {
    const twiml = new VoiceResponse();
    twiml.hangup();
    return twiml.toString();
  }
  return routeQueue(ctx, state);
}
