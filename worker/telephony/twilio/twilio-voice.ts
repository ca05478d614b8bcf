import VoiceResponse from "twilio/lib/twiml/VoiceResponse.js";
import { parsePhone } from "../../platform/phone";
import { defaultCountryOf } from "../../platform/records";
import { applyCallEvent } from "../calls";
import { inboundQueue, routeQueue, voicemail } from "./twilio-queue";
import type { RouteContext } from "./twilio-route-state";
import { userForIdentity } from "./twilio-webhook";

/**
 * The voice URL (TwiML app Voice URL and the numbers' "A call comes in"):
 * - From `client:<identity>` → a call from an agent's browser
 *   (`device.connect({params: {To}})`): `To` a phone number → `<Dial
 *   callerId=our number><Number>`; `To` another agent (`client:<identity>`
 *   or a bare identity we know) → `<Dial><Client>`;
 * - `?mode=bridge&to=…` → a click-to-call we originated through the REST
 *   API: the agent answered, now Twilio dials the customer;
 * - anything else → an inbound call to one of the organization's numbers:
 *   the provider's default queue (twilio-queue.ts).
 * The customer's leg of an outbound call is the `<Dial>`'s child; its status
 * callbacks carry `leg=callee` and decide answer and end of the call record.
 */

const say = (text: string) => {
  const twiml = new VoiceResponse();
  twiml.say(text);
  twiml.hangup();
  return twiml.toString();
};

function recordAttrs(ctx: RouteContext) {
  return ctx.req.config.recordCalls
    ? { record: "record-from-answer-dual" as const, recordingStatusCallback: ctx.hook("recording", { kind: "call" }), recordingStatusCallbackEvent: ["completed" as const] }
    : {};
}

/** `<Dial callerId><Number>` to the customer; its leg's callbacks are the call's answer and end. */
export function dialNumber(ctx: RouteContext, callerId: string, number: string) {
  const twiml = new VoiceResponse();
  twiml
    .dial({ callerId, answerOnBridge: true, ...recordAttrs(ctx) })
    .number({ statusCallback: ctx.hook("status", { leg: "callee" }), statusCallbackEvent: ["initiated", "ringing", "answered", "completed"] }, number);
  return twiml.toString();
}

async function fromBrowser(ctx: RouteContext): Promise<string> {
  const { provider, params } = ctx.req;
  const orgId = provider.orgId;
  const agentUserId = await userForIdentity(ctx.db, orgId, provider.id, params.From!);
  if (!agentUserId) return say("This softphone is not registered with the organization.");
  const rawTo = (params.To ?? "").trim();
  const base = { providerId: provider.id, providerCallId: ctx.callSid, at: Date.now(), agentUserId };

  const colleague = rawTo && !/^\+?[\d\s().-]+$/.test(rawTo) ? await userForIdentity(ctx.db, orgId, provider.id, rawTo) : null;
  if (colleague) {
    const identity = rawTo.replace(/^client:/i, "");
    const { call } = await applyCallEvent(ctx.env, orgId, { ...base, status: "initiated", eventId: `${ctx.callSid}:initiated`, direction: "internal", from: params.From, to: `client:${identity}` });
    const twiml = new VoiceResponse();
    const client = twiml
      .dial({ answerOnBridge: true })
      .client({ statusCallback: ctx.hook("status", { leg: "callee" }), statusCallbackEvent: ["ringing", "answered", "completed"] });
    client.identity(identity);
    client.parameter({ name: "callId", value: call.id });
    client.parameter({ name: "from", value: params.From! });
    return twiml.toString();
  }

  const number = parsePhone(rawTo, await defaultCountryOf(ctx.db, orgId));
  if (!number) return say("The number you dialed is not valid. Please check it and try again.");
  const callerId = ctx.req.config.phoneNumbers?.[0];
  if (!callerId) return say("No outgoing caller ID is configured for this organization.");
  await applyCallEvent(ctx.env, orgId, { ...base, status: "initiated", eventId: `${ctx.callSid}:initiated`, direction: "outbound", from: callerId, to: number });
  return dialNumber(ctx, callerId, number);
}

export async function voiceTwiml(ctx: RouteContext, query: Record<string, string | undefined>): Promise<string> {
  const { provider, params } = ctx.req;
  if (!provider.enabled) return say("This line is not in service.");
  if (query.mode === "bridge") {
    const callerId = ctx.req.config.phoneNumbers?.[0];
    if (!query.to || !callerId) return say("The call could not be connected.");
    return dialNumber(ctx, callerId, query.to);
  }
  if ((params.From ?? "").toLowerCase().startsWith("client:")) return fromBrowser(ctx);

  const queue = await inboundQueue(ctx.db, provider.orgId, provider.defaultQueueId);
  if (!queue) {
    await applyCallEvent(ctx.env, provider.orgId, {
      providerId: provider.id, providerCallId: ctx.callSid, status: "initiated", at: Date.now(), eventId: `${ctx.callSid}:initiated`,
      direction: "inbound", from: params.From, to: params.To, data: { overflow: "voicemail", reason: "no queue" },
    });
    return voicemail(ctx);
  }
  return routeQueue(ctx, { queueId: queue.id, since: Date.now(), tried: [], hops: 0 });
}

/** After voicemail or a forward: thank the caller and hang up (the `<Record action>`/`<Dial action>`). */
export function goodbye(recorded: boolean): string {
  const twiml = new VoiceResponse();
  if (recorded) twiml.say("Thank you. Goodbye.");
  twiml.hangup();
  return twiml.toString();
}
