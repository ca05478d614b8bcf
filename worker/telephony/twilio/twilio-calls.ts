import { and, eq } from "drizzle-orm";
import VoiceResponse from "twilio/lib/twiml/VoiceResponse.js";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { conflict, invalid, notFound, setupMissing } from "../../platform/errors";
import { memberships } from "../../../schema";
import { auditStatement } from "../../platform/audit-writer";
import { parsePhone, PHONE_MESSAGE } from "../../platform/phone";
import { defaultCountryOf, type Actor } from "../../platform/records";
import { requireCall } from "../call-queries";
import { applyCallEvent } from "../calls";
import { customerLegOf } from "../customer-leg";
import { requireQueue } from "../queues/call-queues";
import { inboundQueue } from "./twilio-queue";
import { stateQuery, type RouteContext } from "./twilio-route-state";
import { createCall, redirectCall, twilioAccount } from "./twilio-rest";
import { holdMusicOf, identityForUser, twilioProviderOf, type TwilioPublicConfig } from "./twilio-webhook";

/**
 * What an agent does to calls through Twilio's REST API.
 * - Click-to-call: `POST /Calls` rings the agent's browser first (To =
 *   client:<identity>); when they answer, Twilio runs our voice URL with
 *   `mode=bridge`, which dials the customer. The record is keyed on that
 *   parent call's sid, direction outbound, to = the customer.
 * - Hold, resume and transfer act on the CUSTOMER's leg with
 *   `POST /Calls/{sid}` and new TwiML: it leaves the `<Dial>` that joined it
 *   to the agent (the agent's browser leg ends) and hears the hold music;
 *   resume dials the agent's browser again (Client parameter `resume=1`, so
 *   the softphone accepts on its own; not taken, the customer is back on
 *   hold: `afterResumeDial`); a transfer dials the colleague's
 *   browser, or sends the customer through a queue. No conference is needed,
 *   and every step is a plain TwiML document.
 *   Inbound, the customer's leg is the record's (parent) call. Outbound
 *   (browser or click-to-call) it is the child the agent's call dialled, known
 *   from its answered callback (`legSid`); its URLs then carry `call=<the
 *   record's CallSid>` so every later leg and step lands on the same record,
 *   and its own end ends the record (twilio-status.ts).
 */

type Hook = (providerId: string, path: string, query?: Record<string, string>) => string;
type RestEnv = Pick<Env, "DB" | "ORG_ROOM" | "JOBS" | "ENCRYPTION_KEY"> & { TWILIO_API_BASE?: string };

export interface ClickToCallInput {
  to: string;
  providerId?: string;
  /** The record the agent called from; kept on the call's timeline (the call itself is matched by number). */
  contactId?: string;
  leadId?: string;
  dealId?: string;
}

const audit = (db: Db, orgId: string, actor: Actor, action: string, callId: string, changes: Record<string, unknown>) =>
  auditStatement(db, orgId, { actorId: actor.userId, action, entity: "call", entityId: callId, changes, requestId: actor.requestId });

export async function clickToCall(env: RestEnv, db: Db, orgId: string, actor: Actor, hook: Hook, input: ClickToCallInput) {
  const provider = await twilioProviderOf(db, orgId, input.providerId);
  const number = parsePhone(input.to, await defaultCountryOf(db, orgId));
  if (!number) throw invalid({ to: [PHONE_MESSAGE] });
  const callerId = (provider.publicConfig as TwilioPublicConfig).phoneNumbers?.[0];
  if (!callerId) throw setupMissing("The Twilio provider has no phone number to call from: add one to its phoneNumbers");
  const identity = await identityForUser(db, orgId, provider.id, actor.userId);
  const resource = await createCall(await twilioAccount(env, provider), {
    to: `client:${identity}`,
    from: callerId,
    url: hook(provider.id, "voice", { mode: "bridge", to: number }),
    // The parent's callbacks may arrive before our own event: they carry the customer's number to create the record right.
    statusCallback: hook(provider.id, "status", { dial: number }),
  });
  const { call } = await applyCallEvent(env, orgId, {
    providerId: provider.id,
    providerCallId: resource.sid,
    status: "initiated",
    at: Date.now(),
    eventId: `${resource.sid}:initiated`,
    direction: "outbound",
    from: callerId,
    to: number,
    agentUserId: actor.userId,
    data: { clickToCall: true, by: actor.userId, calledFrom: { contactId: input.contactId ?? null, leadId: input.leadId ?? null, dealId: input.dealId ?? null } },
  });
  await audit(db, orgId, actor, "dial", call.id, { to: number, providerCallId: resource.sid });
  return call;
}

/** A live call the agent can move, its provider, and the customer's leg to act on. */
async function liveCall(env: RestEnv, db: Db, orgId: string, actor: Actor, hook: Hook, callId: string) {
  const call = await requireCall(db, orgId, actor, callId);
  if (call.endedAt !== null) throw conflict("The call has ended");
  if (call.direction === "internal") throw conflict("Hold and transfer work on calls with customers");
  const provider = await twilioProviderOf(db, orgId, call.providerId).catch(() => {
    throw notFound("Twilio provider");
  });
  const outbound = call.direction === "outbound";
  const legSid = outbound ? await customerLegOf(db, orgId, call.id) : call.providerCallId;
  if (!legSid) throw conflict("The customer has not answered yet");
  const h = (path: string, q: Record<string, string> = {}) => hook(provider.id, path, outbound ? { ...q, call: call.providerCallId } : q);
  // The moved customer leg keeps reporting its end to the record (outbound only; inbound it is the record's own call).
  const statusCallback = outbound ? h("status", { leg: "callee" }) : undefined;
  return { call, provider, legSid, h, statusCallback, account: await twilioAccount(env, provider) };
}

/** What a held customer hears: a word, then the hold music until their leg is moved again. */
function holdTwiml(config: TwilioPublicConfig, words: string) {
  const r = new VoiceResponse();
  r.say(words);
  r.play({ loop: 0 }, holdMusicOf(config));
  return r.toString();
}

/**
 * The `<Dial action>` of a resume: the agent talked (the customer's leg ends
 * with theirs), or did not take the call back, and the customer goes back on
 * hold rather than being cut off.
 */
export async function afterResumeDial(ctx: RouteContext): Promise<string> {
  const { DialCallStatus: status, DialCallSid, CallSid } = ctx.req.params;
  if (status === "completed" || status === "answered") {
    const r = new VoiceResponse();
    r.hangup();
    return r.toString();
  }
  await applyCallEvent(ctx.env, ctx.req.provider.orgId, {
    providerId: ctx.req.provider.id,
    providerCallId: ctx.callSid,
    status: "on_hold",
    at: Date.now(),
    eventId: `${DialCallSid || CallSid}:resume-${status ?? "failed"}`,
    data: { resumeNotAnswered: status ?? null },
  });
  return holdTwiml(ctx.req.config, "Please continue to hold.");
}

/** `<Dial><Client>` to one agent, with the call's details as Client parameters. */
function dialAgent(hook: (path: string, q?: Record<string, string>) => string, identity: string, params: Record<string, string>, action?: string) {
  const twiml = new VoiceResponse();
  const client = twiml
    .dial({ timeout: 30, ...(action ? { action } : {}) })
    .client({ statusCallback: hook("status", { leg: "agent" }), statusCallbackEvent: ["ringing", "answered", "completed"] });
  client.identity(identity);
  for (const [name, value] of Object.entries(params)) client.parameter({ name, value });
  return twiml.toString();
}

export async function holdCall(env: RestEnv, db: Db, orgId: string, actor: Actor, hook: Hook, callId: string, hold: boolean) {
  const { call, provider, legSid, h, statusCallback, account } = await liveCall(env, db, orgId, actor, hook, callId);
  if (call.answeredAt === null) throw conflict("The call has not been answered yet");
  if (hold === (call.holdStartedAt !== null)) throw conflict(hold ? "The call is already on hold" : "The call is not on hold");
  const agent = call.agentUserId ?? actor.userId;
  let twiml: string;
  if (hold) {
    twiml = holdTwiml(provider.publicConfig as TwilioPublicConfig, "Please hold.");
  } else {
    const identity = await identityForUser(db, orgId, provider.id, agent);
    const party = call.direction === "outbound" ? call.toNumber : call.fromNumber;
    const params = { callId: call.id, from: party, resume: "1", ...(call.contactId ? { contactId: call.contactId } : {}) };
    twiml = dialAgent(h, identity, params, h("dial-status", { resume: "1" }));
  }
  await redirectCall(account, legSid, twiml, statusCallback);
  const at = Date.now();
  const result = await applyCallEvent(env, orgId, {
    providerId: provider.id,
    providerCallId: call.providerCallId,
    status: hold ? "on_hold" : "resumed",
    at,
    eventId: `${hold ? "hold" : "resume"}:${at}`,
    data: { by: actor.userId, legSid },
  });
  await audit(db, orgId, actor, hold ? "hold" : "resume", call.id, {});
  return result.call;
}

export async function transferCall(env: RestEnv, db: Db, orgId: string, actor: Actor, hook: Hook, callId: string, to: { toUserId?: string; toQueueId?: string }) {
  const { call, provider, legSid, h, statusCallback, account } = await liveCall(env, db, orgId, actor, hook, callId);
  const at = Date.now();
  const party = call.direction === "outbound" ? call.toNumber : call.fromNumber;
  let twiml: string;
  let effects: { agentUserId?: string | null; queueId?: string | null };
  if (to.toUserId) {
    const member = await db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, to.toUserId))).get();
    if (!member || member.role === "viewer") throw invalid({ toUserId: ["Not a member of this organization who takes calls"] });
    const identity = await identityForUser(db, orgId, provider.id, to.toUserId);
    // Unanswered, the caller goes back through the call's queue (else voicemail).
    const queue = call.queueId ? { id: call.queueId } : await inboundQueue(db, orgId, provider.defaultQueueId);
    const action = h("dial-status", queue ? stateQuery({ queueId: queue.id, since: at, tried: [to.toUserId], hops: 0 }) : { transfer: "1" });
    twiml = dialAgent(h, identity, { callId: call.id, from: party, transfer: "1", ...(call.contactId ? { contactId: call.contactId } : {}) }, action);
    effects = { agentUserId: to.toUserId };
  } else {
    const queue = await requireQueue(db, orgId, to.toQueueId!).catch(() => {
      throw invalid({ toQueueId: ["No such queue in this organization"] });
    });
    const r = new VoiceResponse();
    r.redirect({ method: "POST" }, h("queue-wait", stateQuery({ queueId: queue.id, since: at, tried: [], hops: 0 })));
    twiml = r.toString();
    effects = { queueId: queue.id, agentUserId: null };
  }
  await redirectCall(account, legSid, twiml, statusCallback);
  const result = await applyCallEvent(env, orgId, {
    providerId: provider.id,
    providerCallId: call.providerCallId,
    status: "transferred",
    at,
    eventId: `transfer:${at}`,
    ...effects,
    data: { by: actor.userId, ...to, fromUserId: call.agentUserId, legSid },
  });
  await audit(db, orgId, actor, "transfer", call.id, { ...to, fromUserId: call.agentUserId });
  return result.call;
}
