import { and, eq } from "drizzle-orm";
import VoiceResponse from "twilio/lib/twiml/VoiceResponse.js";
import type { Env } from "../../env";
import type { Db } from "../../lib/db";
import { conflict, invalid, notFound, setupMissing } from "../../lib/errors";
import { memberships } from "../../../schema";
import { auditStatement } from "../audit";
import { parsePhone, PHONE_MESSAGE } from "../phone";
import { defaultCountryOf, type Actor } from "../records";
import { requireCall } from "./call-queries";
import { applyCallEvent } from "./calls";
import { requireQueue } from "./queues";
import { inboundQueue, stateQuery } from "./twilio-queue";
import { createCall, redirectCall, twilioAccount } from "./twilio-rest";
import { identityForUser, twilioProviderOf, type TwilioPublicConfig } from "./twilio-webhook";

/**
 * What an agent does to calls through Twilio's REST API.
 * - Click-to-call: `POST /Calls` rings the agent's browser first (To =
 *   client:<identity>); when they answer, Twilio runs our voice URL with
 *   `mode=bridge`, which dials the customer. The record is keyed on that
 *   parent call's sid, direction outbound, to = the customer.
 * - Hold, resume and transfer act on the CUSTOMER's leg, which for an inbound
 *   call is the parent call: `POST /Calls/{sid}` with new TwiML takes it out
 *   of the agent's `<Dial>` (the agent's browser leg ends) and plays hold
 *   music; resume dials the agent's browser again (Client parameter
 *   `resume=1`, so the softphone can accept on its own); a transfer dials the
 *   colleague's browser, or sends the caller through another queue. No
 *   conference is needed, and every step is a plain TwiML document.
 *   Outbound calls bridge the customer as a child leg of the agent's own
 *   call; moving it would end the agent's leg and the record, so hold and
 *   transfer are for inbound calls (409 otherwise).
 */

export const HOLD_MUSIC = "https://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3";

type Hook = (providerId: string, path: string, query?: Record<string, string>) => string;
type RestEnv = Pick<Env, "DB" | "ORG_ROOM" | "ENCRYPTION_KEY"> & { TWILIO_API_BASE?: string };

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

async function liveInboundCall(env: RestEnv, db: Db, orgId: string, actor: Actor, callId: string) {
  const call = await requireCall(db, orgId, actor, callId);
  if (call.endedAt !== null) throw conflict("The call has ended");
  if (call.direction !== "inbound") throw conflict("Hold and transfer work on inbound calls");
  const provider = await twilioProviderOf(db, orgId, call.providerId).catch(() => {
    throw notFound("Twilio provider");
  });
  return { call, provider, account: await twilioAccount(env, provider) };
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
  const { call, provider, account } = await liveInboundCall(env, db, orgId, actor, callId);
  if (call.answeredAt === null) throw conflict("The call has not been answered yet");
  if (hold === (call.holdStartedAt !== null)) throw conflict(hold ? "The call is already on hold" : "The call is not on hold");
  const agent = call.agentUserId ?? actor.userId;
  let twiml: string;
  if (hold) {
    const r = new VoiceResponse();
    r.say("Please hold.");
    r.play({ loop: 0 }, HOLD_MUSIC);
    twiml = r.toString();
  } else {
    const identity = await identityForUser(db, orgId, provider.id, agent);
    twiml = dialAgent((p, q) => hook(provider.id, p, q), identity, { callId: call.id, from: call.fromNumber, resume: "1", ...(call.contactId ? { contactId: call.contactId } : {}) });
  }
  await redirectCall(account, call.providerCallId, twiml);
  const at = Date.now();
  const result = await applyCallEvent(env, orgId, {
    providerId: provider.id,
    providerCallId: call.providerCallId,
    status: hold ? "on_hold" : "resumed",
    at,
    eventId: `${hold ? "hold" : "resume"}:${at}`,
    data: { by: actor.userId },
  });
  await audit(db, orgId, actor, hold ? "hold" : "resume", call.id, {});
  return result.call;
}

export async function transferCall(env: RestEnv, db: Db, orgId: string, actor: Actor, hook: Hook, callId: string, to: { toUserId?: string; toQueueId?: string }) {
  const { call, provider, account } = await liveInboundCall(env, db, orgId, actor, callId);
  const h = (p: string, q?: Record<string, string>) => hook(provider.id, p, q);
  const at = Date.now();
  let twiml: string;
  let effects: { agentUserId?: string | null; queueId?: string | null };
  if (to.toUserId) {
    const member = await db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, to.toUserId))).get();
    if (!member || member.role === "viewer") throw invalid({ toUserId: ["Not a member of this organization who takes calls"] });
    const identity = await identityForUser(db, orgId, provider.id, to.toUserId);
    // Unanswered, the caller goes back through the call's queue (else voicemail).
    const queue = call.queueId ? { id: call.queueId } : await inboundQueue(db, orgId, provider.defaultQueueId);
    const action = h("dial-status", queue ? stateQuery({ queueId: queue.id, since: at, tried: [to.toUserId], hops: 0 }) : { transfer: "1" });
    twiml = dialAgent(h, identity, { callId: call.id, from: call.fromNumber, transfer: "1", ...(call.contactId ? { contactId: call.contactId } : {}) }, action);
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
  await redirectCall(account, call.providerCallId, twiml);
  const result = await applyCallEvent(env, orgId, {
    providerId: provider.id,
    providerCallId: call.providerCallId,
    status: "transferred",
    at,
    eventId: `transfer:${at}`,
    ...effects,
    data: { by: actor.userId, ...to, fromUserId: call.agentUserId },
  });
  await audit(db, orgId, actor, "transfer", call.id, { ...to, fromUserId: call.agentUserId });
  return result.call;
}
