import { describe, expect, it } from "vitest";
import { FAKE_TWILIO } from "../../fakes/twilio-fixtures";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { createProvider, setStatus, twilioConfig } from "../../telephony-helpers";
import { all, callsOf, children, clientOffers, fakeTwilioRequests, hookUrl, one, postTwilio, twilioSid, timelineOf, twiml } from "./telephony-twilio-helpers";

const NUMBER = "+14155550100";
const CUSTOMER = "+14155550171";
const CLASSICAL = "https://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3";
const identityOf = (userId: string) => `agent_${userId.replace(/-/g, "")}`;

async function setup(label: string, config: Record<string, unknown> = {}) {
  const owner = await registerAccount(label);
  const agent = await addMember(owner, "agent", `${label}a`);
  const other = await addMember(owner, "agent", `${label}b`);
  const q = await api("/api/telephony/queues", { token: owner.token, body: { name: "Main", members: [{ userId: other.userId }] } });
  expect(q.status, JSON.stringify(q.body)).toBe(201);
  const provider = await createProvider(owner, { type: "twilio", name: "Twilio", config: twilioConfig(FAKE_TWILIO.active, config), defaultQueueId: q.body.data.id });
  await setStatus(agent, "available");
  await setStatus(other, "available");
  return { owner, agent, other, provider, queueId: q.body.data.id as string };
}

type Ctx = Awaited<ReturnType<typeof setup>>;

/** A click-to-call answered by the agent's browser and by the customer: the record's sid and the customer's leg. */
async function answeredOutbound(ctx: Ctx) {
  const placed = await api("/api/telephony/twilio/calls", { token: ctx.agent.token, body: { to: CUSTOMER } });
  expect(placed.status, JSON.stringify(placed.body)).toBe(201);
  const sid = placed.body.data.providerCallId as string;
  const bridge = twiml((await postTwilio(hookUrl(ctx.provider.id, "voice", { mode: "bridge", to: CUSTOMER }), { CallSid: sid, From: NUMBER, To: `client:${identityOf(ctx.agent.userId)}`, Direction: "outbound-api" })).text);
  const calleeHook = one(bridge, "Number").getAttribute("statusCallback")!;
  const leg = twilioSid("CA");
  const customer = { CallSid: leg, ParentCallSid: sid, From: NUMBER, To: CUSTOMER, Direction: "outbound-dial" };
  expect((await postTwilio(calleeHook, { ...customer, CallStatus: "in-progress" })).status).toBe(204);
  return { callId: placed.body.data.id as string, sid, leg, customer };
}

/** The Calls-update requests the fake Twilio received for one leg, oldest first. */
const updatesOf = async (legSid: string) => (await fakeTwilioRequests()).filter((r) => r.method === "POST" && r.path === `/Calls/${legSid}.json`);
const lastTwiml = async (legSid: string) => twiml(String((await updatesOf(legSid)).at(-1)!.form.Twiml));

describe("hold, resume and transfer of an outbound call", () => {
  it("holds the customer's leg with music, survives the agent's leg ending, resumes the same agent and counts the hold", async () => {
    const ctx = await setup("twoh");
    const { callId, sid, leg, customer } = await answeredOutbound(ctx);

    const hold = await api(`/api/telephony/twilio/calls/${callId}/hold`, { token: ctx.agent.token, body: { hold: true } });
    expect(hold.status, JSON.stringify(hold.body)).toBe(200);
    expect(hold.body.data).toMatchObject({ id: callId, status: "on_hold" });
    // The customer's leg (not the agent's) left the <Dial>: it hears Please hold, then Twilio's classical music, looped.
    expect(await updatesOf(sid)).toHaveLength(0);
    const [update] = await updatesOf(leg);
    expect(update!.form.StatusCallback).toBe(hookUrl(ctx.provider.id, "status", { leg: "callee", call: sid }));
    const held = twiml(String(update!.form.Twiml));
    expect(children(held).map((e) => e.tagName)).toEqual(["Say", "Play"]);
    expect(one(held, "Play").getAttribute("loop")).toBe("0");
    expect(one(held, "Play").textContent).toBe(CLASSICAL);

    // The agent's browser leg (the record's parent call) ends: the customer, on hold, is still on the call.
    const parent = { CallSid: sid, From: NUMBER, To: `client:${identityOf(ctx.agent.userId)}`, Direction: "outbound-api" };
    expect((await postTwilio(hookUrl(ctx.provider.id, "status", { dial: CUSTOMER }), { ...parent, CallStatus: "completed", CallDuration: "20" })).status).toBe(204);
    expect(await callsOf(ctx.owner)).toEqual([expect.objectContaining({ id: callId, status: "on_hold", endedAt: null })]);

    const resume = () => api(`/api/telephony/twilio/calls/${callId}/hold`, { token: ctx.agent.token, body: { hold: false } });
    const first = await resume();
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data.status).toBe("in_progress");
    // The agent's browser does not take the call back: the customer goes back on hold instead of being cut off.
    const missedAction = one(await lastTwiml(leg), "Dial").getAttribute("action")!;
    expect(missedAction).toBe(hookUrl(ctx.provider.id, "dial-status", { resume: "1", call: sid }));
    const backOnHold = twiml((await postTwilio(missedAction, { ...customer, CallStatus: "in-progress", DialCallStatus: "no-answer", DialCallSid: twilioSid("CA") })).text);
    expect(children(backOnHold).map((e) => e.tagName)).toEqual(["Say", "Play"]);
    expect(one(backOnHold, "Play").textContent).toBe(CLASSICAL);
    expect((await callsOf(ctx.owner)).map((c) => c.status)).toEqual(["on_hold"]);

    const second = await resume();
    expect(second.body.data.status).toBe("in_progress");
    const [offer] = clientOffers(await lastTwiml(leg));
    expect(offer).toMatchObject({ identity: identityOf(ctx.agent.userId), params: { callId, from: CUSTOMER, resume: "1" } });
    // The agent's new leg is a child of the customer's leg; its callbacks name the record's call.
    expect(offer!.statusCallback).toBe(hookUrl(ctx.provider.id, "status", { leg: "agent", call: sid }));
    const agentLeg = { CallSid: twilioSid("CA"), ParentCallSid: leg, From: NUMBER, To: `client:${identityOf(ctx.agent.userId)}`, Direction: "outbound-dial" };
    expect((await postTwilio(offer!.statusCallback!, { ...agentLeg, CallStatus: "in-progress" })).status).toBe(204);
    expect((await postTwilio(offer!.statusCallback!, { ...agentLeg, CallStatus: "completed", CallDuration: "5" })).status).toBe(204);
    expect((await callsOf(ctx.owner)).map((c) => c.status)).toEqual(["in_progress"]);
    // The agent talked and hung up: the customer's leg hangs up too.
    const talked = twiml((await postTwilio(missedAction, { ...customer, CallStatus: "in-progress", DialCallStatus: "completed", DialCallSid: agentLeg.CallSid })).text);
    expect(children(talked).map((e) => e.tagName)).toEqual(["Hangup"]);

    // The customer's leg ends: their leg's callback (the URL set with the hold) ends the one record.
    expect((await postTwilio(String(update!.form.StatusCallback), { ...customer, CallStatus: "completed", CallDuration: "60" })).status).toBe(204);
    const [call] = await callsOf(ctx.owner);
    const { timeline } = await timelineOf(ctx.owner, callId);
    const marks = (type: string) => timeline.filter((t: any) => t.type === type).map((t: any) => t.at as number);
    expect(call).toMatchObject({ id: callId, providerCallId: sid, direction: "outbound", to: CUSTOMER, status: "completed", agentUserId: ctx.agent.userId });
    const [holds, unholds] = [marks("hold"), marks("unhold")];
    expect(holds).toHaveLength(2);
    expect(unholds).toHaveLength(2);
    expect(call.holdSeconds).toBe(Math.round((unholds[0]! - holds[0]! + unholds[1]! - holds[1]!) / 1000));
    expect(timeline.map((t: any) => t.type)).toEqual(expect.arrayContaining(["initiated", "answered", "hold", "unhold", "ended"]));
    expect(timeline.find((t: any) => t.type === "hold").data).toMatchObject({ by: ctx.agent.userId, legSid: leg });
    const log = await api(`/api/audit-log?entity=call&entityId=${callId}`, { token: ctx.owner.token });
    expect(log.body.data.map((e: any) => e.action).sort()).toEqual(["dial", "hold", "resume", "resume"]);
  });

  it("transfers the customer to a colleague, then through a queue, on the same record", async () => {
    const ctx = await setup("twot");
    const { callId, sid, leg, customer } = await answeredOutbound(ctx);

    const transfer = await api(`/api/telephony/twilio/calls/${callId}/transfer`, { token: ctx.agent.token, body: { toUserId: ctx.other.userId } });
    expect(transfer.status, JSON.stringify(transfer.body)).toBe(200);
    expect(transfer.body.data).toMatchObject({ id: callId, agentUserId: ctx.other.userId });
    const toColleague = await lastTwiml(leg);
    const [offer] = clientOffers(toColleague);
    expect(offer).toMatchObject({ identity: identityOf(ctx.other.userId), params: { callId, from: CUSTOMER, transfer: "1" } });
    const action = one(toColleague, "Dial").getAttribute("action")!;
    expect(new URL(action).searchParams.get("call")).toBe(sid);
    expect(new URL(action).searchParams.get("queueId")).toBe(ctx.queueId);

    // The colleague does not answer: the customer goes through the default queue, still the same record.
    const step = twiml((await postTwilio(action, { ...customer, CallStatus: "in-progress", DialCallStatus: "no-answer" })).text);
    expect(all(step, "Dial").length + all(step, "Play").length).toBeGreaterThan(0);
    for (const url of [...all(step, "Redirect").map((r) => r.textContent!), ...clientOffers(step).map((o) => o.statusCallback!)]) {
      expect(new URL(url).searchParams.get("call")).toBe(sid);
    }

    const toQueue = await api(`/api/telephony/twilio/calls/${callId}/transfer`, { token: ctx.agent.token, body: { toQueueId: ctx.queueId } });
    expect(toQueue.status, JSON.stringify(toQueue.body)).toBe(200);
    expect(toQueue.body.data).toMatchObject({ queueId: ctx.queueId, agentUserId: null });
    const wait = one(await lastTwiml(leg), "Redirect").textContent!;
    expect(new URL(wait).pathname).toBe(`/api/telephony/twilio/${ctx.provider.id}/queue-wait`);
    expect(new URL(wait).searchParams.get("call")).toBe(sid);
    await setStatus(ctx.other, "available");
    const queued = twiml((await postTwilio(wait, { ...customer, CallStatus: "in-progress" })).text);
    const [queueOffer] = clientOffers(queued);
    expect(queueOffer).toMatchObject({ identity: identityOf(ctx.other.userId), params: { callId } });
    const otherLeg = { CallSid: twilioSid("CA"), ParentCallSid: leg, From: NUMBER, To: `client:${identityOf(ctx.other.userId)}`, Direction: "outbound-dial" };
    expect((await postTwilio(queueOffer!.statusCallback!, { ...otherLeg, CallStatus: "in-progress" })).status).toBe(204);

    const calls = await callsOf(ctx.owner);
    expect(calls).toEqual([expect.objectContaining({ id: callId, status: "in_progress", agentUserId: ctx.other.userId, queueId: ctx.queueId })]);
    const types = (await timelineOf(ctx.owner, callId)).timeline.map((t: any) => t.type);
    expect(types.filter((t: string) => t === "transfer").length).toBeGreaterThanOrEqual(2);
    const statusHook = String((await updatesOf(leg)).at(-1)!.form.StatusCallback);
    expect((await postTwilio(statusHook, { ...customer, CallStatus: "completed", CallDuration: "90" })).status).toBe(204);
    expect((await callsOf(ctx.owner)).map((c) => c.status)).toEqual(["completed"]);
  });

  it("plays the provider's own hold music when one is configured", async () => {
    const ctx = await setup("twom", { holdMusicUrl: "https://music.example.com/hold/jazz.mp3" });
    const { callId, leg } = await answeredOutbound(ctx);
    expect((await api(`/api/telephony/twilio/calls/${callId}/hold`, { token: ctx.agent.token, body: { hold: true } })).status).toBe(200);
    expect(one(await lastTwiml(leg), "Play").textContent).toBe("https://music.example.com/hold/jazz.mp3");
  });

  it("refuses before the customer answers and after the end", async () => {
    const ctx = await setup("twox");
    const placed = await api("/api/telephony/twilio/calls", { token: ctx.agent.token, body: { to: CUSTOMER } });
    const callId = placed.body.data.id;
    expectError(await api(`/api/telephony/twilio/calls/${callId}/hold`, { token: ctx.agent.token, body: { hold: true } }), 409, "conflict");
    expectError(await api(`/api/telephony/twilio/calls/${callId}/transfer`, { token: ctx.agent.token, body: { toUserId: ctx.other.userId } }), 409, "conflict");
    const stranger = await registerAccount("twoxs");
    expectError(await api(`/api/telephony/twilio/calls/${callId}/hold`, { token: stranger.token, body: { hold: true } }), 404, "not_found");
  });
});

describe("hold music for callers waiting in a queue", () => {
  it("plays the provider's hold music between passes of the queue, Twilio's classical music by default", async () => {
    for (const [label, config, music] of [["twqm", {}, CLASSICAL], ["twqmc", { holdMusicUrl: "https://music.example.com/queue.mp3" }, "https://music.example.com/queue.mp3"]] as const) {
      const ctx = await setup(label, config);
      await setStatus(ctx.other, "busy");
      const sid = twilioSid("CA");
      const waiting = twiml((await postTwilio(hookUrl(ctx.provider.id, "voice"), { CallSid: sid, From: "+14155550142", To: NUMBER, Direction: "inbound", CallStatus: "ringing" })).text);
      expect(children(waiting).map((e) => e.tagName)).toEqual(["Say", "Play", "Redirect"]);
      expect(one(waiting, "Play").textContent).toBe(music);
      expect(one(waiting, "Redirect").textContent).toContain(`/api/telephony/twilio/${ctx.provider.id}/queue-wait?queueId=${ctx.queueId}`);
      expect(await callsOf(ctx.owner)).toEqual([expect.objectContaining({ status: "queued", queueId: ctx.queueId })]);
    }
  });
});
