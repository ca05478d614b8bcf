import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { FAKE_TWILIO, fakeRecordingMedia } from "../../fakes/twilio-fixtures";
import { addMember, api, BASE, expectError, registerAccount, type Account } from "../../helpers";
import { create } from "../../record-helpers";
import { createProvider, setStatus, twilioConfig } from "../../telephony-helpers";
import { callsOf, clientOffers, fakeTwilioRequests, hookUrl, one, postTwilio, stamp, timelineOf, twilioSid, twiml } from "./telephony-twilio-helpers";

const NUMBER = "+14155550100";
const T = Date.UTC(2026, 10, 20, 15, 0, 0);
const S = 1000;
const identityOf = (userId: string) => `agent_${userId.replace(/-/g, "")}`;

async function setup(label: string, config: Record<string, unknown> = {}) {
  const owner = await registerAccount(label);
  const agent = await addMember(owner, "agent", `${label}a`);
  const other = await addMember(owner, "agent", `${label}b`);
  const q = await api("/api/telephony/queues", { token: owner.token, body: { name: "Main", members: [{ userId: agent.userId }] } });
  expect(q.status, JSON.stringify(q.body)).toBe(201);
  const provider = await createProvider(owner, { type: "twilio", name: "Twilio", config: twilioConfig(FAKE_TWILIO.active, config), defaultQueueId: q.body.data.id });
  await setStatus(agent, "available");
  return { owner, agent, other, provider, queueId: q.body.data.id as string };
}

const status = (providerId: string, params: Record<string, string>, leg?: "agent" | "callee") => postTwilio(hookUrl(providerId, "status", leg ? { leg } : undefined), params);

/** An inbound call rung through the queue to `agent`: the voice URL, then the agent leg's answer. */
async function answeredInbound(ctx: Awaited<ReturnType<typeof setup>>, from = "+14155550142") {
  const sid = twilioSid("CA");
  const leg = twilioSid("CA");
  const voice = await postTwilio(hookUrl(ctx.provider.id, "voice"), { CallSid: sid, From: from, To: NUMBER, Direction: "inbound", CallStatus: "ringing" });
  expect(clientOffers(twiml(voice.text)).map((o) => o.identity)).toEqual([identityOf(ctx.agent.userId)]);
  const agentLeg = { CallSid: leg, ParentCallSid: sid, From: from, To: `client:${identityOf(ctx.agent.userId)}`, Direction: "outbound-dial" };
  return { sid, leg, agentLeg };
}

describe("status callbacks", () => {
  it("turn an inbound call's callbacks into one record; retries and reordering change nothing", async () => {
    const ctx = await setup("twlife");
    const contact = await create("/api/contacts", ctx.owner.token, { firstName: "Lia", lastName: "Life", phone: "+14155550142" });
    const { sid, agentLeg } = await answeredInbound(ctx);
    const callbacks: [Record<string, string>, "agent" | undefined][] = [
      [{ ...agentLeg, CallStatus: "ringing", Timestamp: stamp(T + 2 * S), SequenceNumber: "0" }, "agent"],
      // Twilio answers the caller's leg as soon as our TwiML runs: that is not the agent's answer.
      [{ CallSid: sid, From: "+14155550142", To: NUMBER, Direction: "inbound", CallStatus: "in-progress", Timestamp: stamp(T + 1 * S) }, undefined],
      [{ ...agentLeg, CallStatus: "in-progress", Timestamp: stamp(T + 8 * S), SequenceNumber: "1" }, "agent"],
      [{ ...agentLeg, CallStatus: "completed", CallDuration: "60", Timestamp: stamp(T + 68 * S), SequenceNumber: "2" }, "agent"],
      [{ CallSid: sid, From: "+14155550142", To: NUMBER, Direction: "inbound", CallStatus: "completed", CallDuration: "70", Timestamp: stamp(T + 70 * S) }, undefined],
    ];
    for (const [params, leg] of callbacks) expect((await status(ctx.provider.id, params, leg)).status).toBe(204);
    const [call] = await callsOf(ctx.owner);
    expect(call).toMatchObject({
      providerCallId: sid, status: "completed", direction: "inbound", from: "+14155550142", to: NUMBER, contactId: contact.id,
      agentUserId: ctx.agent.userId, answeredAt: T + 8 * S, endedAt: T + 70 * S, talkSeconds: 62, durationSeconds: (T + 70 * S - call.startedAt) / 1000,
    });
    expect((await api("/api/agents/me", { token: ctx.agent.token })).body.data.status).toBe("wrap_up");

    // Every callback again, last first: nothing changes.
    for (const [params, leg] of [...callbacks].reverse()) expect((await status(ctx.provider.id, params, leg)).status).toBe(204);
    const [again] = await callsOf(ctx.owner);
    expect(again).toEqual(call);
    expect(await callsOf(ctx.owner)).toHaveLength(1);
  });

  it("takes the answer from a late or lost in-progress callback and the end from the parent, in any order", async () => {
    const ctx = await setup("twooo");
    const { sid, agentLeg } = await answeredInbound(ctx);
    await status(ctx.provider.id, { CallSid: sid, From: "+14155550142", To: NUMBER, Direction: "inbound", CallStatus: "completed", Timestamp: stamp(T + 50 * S) });
    await status(ctx.provider.id, { ...agentLeg, CallStatus: "completed", CallDuration: "30", Timestamp: stamp(T + 49 * S) }, "agent");
    await status(ctx.provider.id, { ...agentLeg, CallStatus: "in-progress", Timestamp: stamp(T + 19 * S) }, "agent");
    const [call] = await callsOf(ctx.owner);
    expect(call).toMatchObject({ status: "completed", answeredAt: T + 19 * S, endedAt: T + 50 * S, talkSeconds: 31, agentUserId: ctx.agent.userId });
  });

  it("records a browser call out by its customer leg: ringing, answer and busy", async () => {
    const ctx = await setup("twobl");
    const sid = twilioSid("CA");
    const from = `client:${identityOf(ctx.agent.userId)}`;
    await postTwilio(hookUrl(ctx.provider.id, "voice"), { CallSid: sid, From: from, To: "+14155550188", Direction: "inbound" });
    const callee = { CallSid: twilioSid("CA"), ParentCallSid: sid, From: NUMBER, To: "+14155550188", Direction: "outbound-dial" };
    await status(ctx.provider.id, { ...callee, CallStatus: "ringing", Timestamp: stamp(T + 1 * S) }, "callee");
    await status(ctx.provider.id, { ...callee, CallStatus: "in-progress", Timestamp: stamp(T + 5 * S) }, "callee");
    await status(ctx.provider.id, { ...callee, CallStatus: "completed", CallDuration: "40", Timestamp: stamp(T + 45 * S) }, "callee");
    await status(ctx.provider.id, { CallSid: sid, From: from, To: "+14155550188", Direction: "inbound", CallStatus: "completed", Timestamp: stamp(T + 46 * S) });
    const [call] = await callsOf(ctx.owner);
    expect(call).toMatchObject({ direction: "outbound", status: "completed", to: "+14155550188", answeredAt: T + 5 * S, endedAt: T + 45 * S, talkSeconds: 40, agentUserId: ctx.agent.userId });

    const busySid = twilioSid("CA");
    await postTwilio(hookUrl(ctx.provider.id, "voice"), { CallSid: busySid, From: from, To: "+14155550189" });
    await status(ctx.provider.id, { CallSid: twilioSid("CA"), ParentCallSid: busySid, From: NUMBER, To: "+14155550189", CallStatus: "busy", Timestamp: stamp(T + 3 * S) }, "callee");
    await status(ctx.provider.id, { CallSid: busySid, From: from, To: "+14155550189", CallStatus: "completed", Timestamp: stamp(T + 4 * S) });
    const busy = (await callsOf(ctx.owner)).find((c) => c.providerCallId === busySid);
    expect(busy).toMatchObject({ status: "busy", answeredAt: null });
  });
});

describe("recordings", () => {
  async function recorded(ctx: Awaited<ReturnType<typeof setup>>) {
    const { sid, agentLeg } = await answeredInbound(ctx);
    await status(ctx.provider.id, { ...agentLeg, CallStatus: "in-progress", Timestamp: stamp(T + 5 * S) }, "agent");
    await status(ctx.provider.id, { CallSid: sid, CallStatus: "completed", From: "+14155550142", To: NUMBER, Timestamp: stamp(T + 65 * S) });
    const recordingSid = twilioSid("RE");
    const params = {
      AccountSid: FAKE_TWILIO.active.accountSid, CallSid: sid, RecordingSid: recordingSid, RecordingStatus: "completed", RecordingDuration: "58", RecordingChannels: "2",
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${FAKE_TWILIO.active.accountSid}/Recordings/${recordingSid}`, Timestamp: stamp(T + 66 * S),
    };
    expect((await postTwilio(hookUrl(ctx.provider.id, "recording", { kind: "call" }), params)).status).toBe(204);
    expect((await postTwilio(hookUrl(ctx.provider.id, "recording", { kind: "call" }), params)).status).toBe(204);
    const [call] = await callsOf(ctx.owner);
    // The queue job copies the media into R2.
    await vi.waitFor(async () => expect((await timelineOf(ctx.owner, call.id)).recording).toMatchObject({ available: true }), { timeout: 15_000, interval: 200 });
    return { call, recordingSid };
  }

  it("copies the recording into R2 and plays it to members who may see the call only", async () => {
    const ctx = await setup("twrec");
    const { call, recordingSid } = await recorded(ctx);
    const object = await env.FILES.get(`${ctx.owner.orgId}/recordings/${call.id}.mp3`);
    expect(await object!.text()).toBe(fakeRecordingMedia(recordingSid));
    expect((await timelineOf(ctx.owner, call.id)).recording).toEqual({ available: true, providerRecordingId: recordingSid, durationSeconds: 58 });

    const play = await api(`/api/telephony/calls/${call.id}/recording`, { token: ctx.agent.token });
    expect(play.status).toBe(200);
    expect(play.headers.get("content-type")).toBe("audio/mpeg");
    expect((play.body as any).raw).toBe(fakeRecordingMedia(recordingSid));
    const part = await api(`/api/telephony/calls/${call.id}/recording`, { token: ctx.owner.token, headers: { range: "bytes=0-10" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-10/${fakeRecordingMedia(recordingSid).length}`);
    expect((part.body as any).raw).toBe(fakeRecordingMedia(recordingSid).slice(0, 11));

    const stranger = await registerAccount("twrecx");
    expectError(await api(`/api/telephony/calls/${call.id}/recording`, { token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/telephony/calls/${call.id}/recording`, { method: "DELETE", token: ctx.agent.token }), 403, "forbidden");

    const del = await api(`/api/telephony/calls/${call.id}/recording?provider=true`, { method: "DELETE", token: ctx.owner.token });
    expect(del.status, JSON.stringify(del.body)).toBe(200);
    expect(del.body.data.recording).toBeNull();
    expect((await fakeTwilioRequests()).some((r) => r.method === "DELETE" && r.path === `/Recordings/${recordingSid}.json`)).toBe(true);
    expect(await env.FILES.get(`${ctx.owner.orgId}/recordings/${call.id}.mp3`)).toBeNull();
    expectError(await api(`/api/telephony/calls/${call.id}/recording`, { token: ctx.owner.token }), 404, "not_found");
  });

  it("deletes Twilio's original right after copying when the provider says so", async () => {
    const ctx = await setup("twrecd", { deleteRecordingsAtProvider: true });
    const { call, recordingSid } = await recorded(ctx);
    await vi.waitFor(async () => expect((await timelineOf(ctx.owner, call.id)).timeline.some((t: any) => t.data.deletedAtProvider)).toBe(true), { timeout: 15_000, interval: 200 });
    expect((await fakeTwilioRequests()).filter((r) => r.method === "DELETE" && r.path === `/Recordings/${recordingSid}.json`)).toHaveLength(1);
  });
});

describe("click-to-call through the REST API", () => {
  it("rings the agent's browser first, then bridges to the number through the voice URL", async () => {
    const ctx = await setup("twc2c");
    const res = await api("/api/telephony/twilio/calls", { token: ctx.agent.token, body: { to: "415-555-0166" } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ direction: "outbound", status: "initiated", to: "+14155550166", from: NUMBER, agentUserId: ctx.agent.userId });
    const sent = (await fakeTwilioRequests()).find((r) => r.method === "POST" && r.path === "/Calls.json" && r.form.To === `client:${identityOf(ctx.agent.userId)}`);
    const url = hookUrl(ctx.provider.id, "voice", { mode: "bridge", to: "+14155550166" });
    expect(sent?.form).toMatchObject({ From: NUMBER, Url: url, Method: "POST", StatusCallback: hookUrl(ctx.provider.id, "status", { dial: "+14155550166" }), StatusCallbackEvent: ["initiated", "ringing", "answered", "completed"] });

    const bridge = twiml((await postTwilio(url, { CallSid: res.body.data.providerCallId, From: NUMBER, To: `client:${identityOf(ctx.agent.userId)}`, Direction: "outbound-api" })).text);
    expect(one(bridge, "Number").textContent).toBe("+14155550166");
    expect(one(bridge, "Dial").getAttribute("callerId")).toBe(NUMBER);

    // A parent callback racing ahead of the API's own event still creates the record with the customer's number.
    const raced = await postTwilio(hookUrl(ctx.provider.id, "status", { dial: "+14155550167" }), { CallSid: twilioSid("CA"), From: NUMBER, To: `client:${identityOf(ctx.agent.userId)}`, Direction: "outbound-api", CallStatus: "initiated" });
    expect(raced.status).toBe(204);
    expect((await callsOf(ctx.owner)).find((c) => c.to === "+14155550167")).toMatchObject({ direction: "outbound", from: NUMBER });
  });

  it("answers 400 for a bad number and not_configured without a provider", async () => {
    const ctx = await setup("twc2cx");
    expectError(await api("/api/telephony/twilio/calls", { token: ctx.agent.token, body: { to: "not a number" } }), 400, "validation_error");
    expectError(await api("/api/telephony/twilio/calls", { token: ctx.agent.token, body: {} }), 400, "validation_error");
    const wrongToken = await createProvider(ctx.owner, { type: "twilio", name: "Wrong token", config: twilioConfig({ accountSid: FAKE_TWILIO.active.accountSid, authToken: "revoked-token" }) });
    const refused = await api("/api/telephony/twilio/calls", { token: ctx.agent.token, body: { to: "+14155550166", providerId: wrongToken.id } });
    expectError(refused, 409, "conflict");
    expect(refused.body.error.message).toBe("Twilio error 20003: Authenticate");
    expect((await callsOf(ctx.owner)).filter((c) => c.providerId === wrongToken.id)).toHaveLength(0);
    const lonely = await registerAccount("twc2cn");
    expectError(await api("/api/telephony/twilio/calls", { token: lonely.token, body: { to: "+14155550166" } }), 409, "not_configured");
  });
});

describe("hold and transfer", () => {
  it("holds, resumes and transfers an answered inbound call through Twilio, on the timeline and in the audit log", async () => {
    const ctx = await setup("twhold");
    const { sid, agentLeg } = await answeredInbound(ctx);
    await status(ctx.provider.id, { ...agentLeg, CallStatus: "in-progress", Timestamp: stamp(Date.now()) }, "agent");
    const [call] = await callsOf(ctx.owner);

    const hold = await api(`/api/telephony/twilio/calls/${call.id}/hold`, { token: ctx.agent.token, body: { hold: true } });
    expect(hold.status, JSON.stringify(hold.body)).toBe(200);
    expect(hold.body.data.status).toBe("on_hold");
    const updates = () => fakeTwilioRequests().then((all) => all.filter((r) => r.path === `/Calls/${sid}.json`));
    expect((await updates()).at(-1)!.form.Twiml).toContain("<Play");
    expectError(await api(`/api/telephony/twilio/calls/${call.id}/hold`, { token: ctx.agent.token, body: { hold: true } }), 409, "conflict");

    const resume = await api(`/api/telephony/twilio/calls/${call.id}/hold`, { token: ctx.agent.token, body: { hold: false } });
    expect(resume.body.data.status).toBe("in_progress");
    const back = clientOffers(twiml(String((await updates()).at(-1)!.form.Twiml)));
    expect(back).toEqual([expect.objectContaining({ identity: identityOf(ctx.agent.userId), params: expect.objectContaining({ callId: call.id, resume: "1" }) })]);
    expect((await timelineOf(ctx.owner, call.id)).timeline.map((t: any) => t.type)).toEqual(expect.arrayContaining(["hold", "unhold"]));

    const transfer = await api(`/api/telephony/twilio/calls/${call.id}/transfer`, { token: ctx.agent.token, body: { toUserId: ctx.other.userId } });
    expect(transfer.status, JSON.stringify(transfer.body)).toBe(200);
    expect(transfer.body.data.agentUserId).toBe(ctx.other.userId);
    expect(clientOffers(twiml(String((await updates()).at(-1)!.form.Twiml)))[0]!.identity).toBe(identityOf(ctx.other.userId));

    const toQueue = await api(`/api/telephony/twilio/calls/${call.id}/transfer`, { token: ctx.other.token, body: { toQueueId: ctx.queueId } });
    expect(toQueue.body.data).toMatchObject({ queueId: ctx.queueId, agentUserId: null });
    expect(String((await updates()).at(-1)!.form.Twiml)).toContain(`${BASE}/api/telephony/twilio/${ctx.provider.id}/queue-wait?queueId=${ctx.queueId}`);
    const log = await api(`/api/audit-log?entity=call&entityId=${call.id}`, { token: ctx.owner.token });
    expect(log.body.data.map((e: any) => e.action).sort()).toEqual(["hold", "resume", "transfer", "transfer"]);
  });

  it("rejects bad transfers, calls of other organizations and ended calls", async () => {
    const ctx = await setup("twholdx");
    const { sid, agentLeg } = await answeredInbound(ctx);
    await status(ctx.provider.id, { ...agentLeg, CallStatus: "in-progress", Timestamp: stamp(Date.now()) }, "agent");
    const [call] = await callsOf(ctx.owner);
    const sentToTwilio = () => fakeTwilioRequests().then((all) => all.filter((r) => r.path === `/Calls/${sid}.json`).length);
    const sentBefore = await sentToTwilio();
    expectError(await api(`/api/telephony/twilio/calls/${call.id}/transfer`, { token: ctx.agent.token, body: {} }), 400, "validation_error");
    expectError(await api(`/api/telephony/twilio/calls/${call.id}/transfer`, { token: ctx.agent.token, body: { toUserId: "someone" } }), 400, "validation_error");
    const stranger = await registerAccount("twholdy");
    expectError(await api(`/api/telephony/twilio/calls/${call.id}/hold`, { token: stranger.token, body: { hold: true } }), 404, "not_found");
    expectError(await api(`/api/telephony/twilio/calls/${call.id}/transfer`, { token: stranger.token, body: { toUserId: stranger.userId } }), 404, "not_found");
    // Refused means nothing reached Twilio and the call is as it was.
    expect(await sentToTwilio()).toBe(sentBefore);
    expect((await callsOf(ctx.owner))[0]).toMatchObject({ id: call.id, status: call.status, agentUserId: call.agentUserId });
    await status(ctx.provider.id, { CallSid: sid, CallStatus: "completed", From: "+14155550142", To: NUMBER, Timestamp: stamp(Date.now()) });
    expectError(await api(`/api/telephony/twilio/calls/${call.id}/hold`, { token: ctx.agent.token, body: { hold: true } }), 409, "conflict");
  });
});
