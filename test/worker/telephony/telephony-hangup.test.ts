import { describe, expect, inject, it } from "vitest";
import { FAKE_TWILIO } from "../../fakes/twilio-fixtures";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { createProvider, setStatus, twilioConfig } from "../../telephony-helpers";
import { addExtension, createPbx, pushEvent, uniqueId } from "./telephony-pbx-helpers";
import { callsOf, fakeTwilioRequests, hookUrl, one, postTwilio, timelineOf, twiml, twilioSid } from "./telephony-twilio-helpers";

const NUMBER = "+14155550100";
const identityOf = (userId: string) => `agent_${userId.replace(/-/g, "")}`;
const hangup = (token: string, callId: string) => api(`/api/telephony/calls/${callId}/hangup`, { token, method: "POST" });

async function hungUpAtAri(channelId: string) {
  const res = await fetch(`${inject("ariFakeUrl")}/__fake/hangups/${encodeURIComponent(channelId)}`);
  return res.status === 200 ? ((await res.json()) as { reason: string }) : null;
}

async function pbxSetup(label: string) {
  const owner = await registerAccount(label);
  const agent = await addMember(owner, "agent", `${label}a`);
  const colleague = await addMember(owner, "agent", `${label}b`);
  const manager = await addMember(owner, "manager", `${label}m`);
  const pbx = await createPbx(owner);
  await addExtension(owner, pbx.id, agent.userId, "1001");
  return { owner, agent, colleague, manager, pbx };
}

describe("hanging up a desk-phone (ARI) call from the browser", () => {
  it("deletes the call's channel through ARI, ends the call once and records who hung up", async () => {
    const ctx = await pbxSetup("hupari");
    const placed = await api("/api/telephony/pbx/calls", { token: ctx.agent.token, body: { to: "+14155550177" } });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const call = placed.body.data;

    // Another organization's call does not exist; a colleague who is not its agent may not hang it up.
    const stranger = await registerAccount("hupariy");
    expectError(await hangup(stranger.token, call.id), 404, "not_found");
    expectError(await hangup(ctx.colleague.token, call.id), 403, "forbidden");
    expect(await hungUpAtAri(call.providerCallId)).toBeNull();

    const res = await hangup(ctx.agent.token, call.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ id: call.id, status: "canceled" });
    expect(res.body.data.endedAt).not.toBeNull();
    expect(await hungUpAtAri(call.providerCallId)).toEqual({ reason: "normal" });
    const ended = (await timelineOf(ctx.owner, call.id)).timeline.filter((t: any) => t.type === "ended");
    expect(ended).toEqual([expect.objectContaining({ data: expect.objectContaining({ hangup: true, by: ctx.agent.userId, providerHadEnded: false }) })]);
    const log = await api(`/api/audit-log?entity=call&entityId=${call.id}`, { token: ctx.owner.token });
    expect(log.body.data.map((e: any) => e.action)).toContain("hangup");

    // Again: the call has ended, a clear 409 and nothing new.
    expectError(await hangup(ctx.agent.token, call.id), 409, "conflict");
    expect((await timelineOf(ctx.owner, call.id)).timeline.filter((t: any) => t.type === "ended")).toHaveLength(1);
  });

  it("lets a manager hang up an answered call; a channel Asterisk no longer knows still ends the record", async () => {
    const ctx = await pbxSetup("hupmgr");
    const linkedid = uniqueId();
    const base = { uniqueid: linkedid, linkedid, from: "4155550132", to: NUMBER };
    const now = Math.floor(Date.now() / 1000);
    for (const step of [{ ...base, event: "start", timestamp: now - 30 }, { ...base, event: "answered", agent: "1001", timestamp: now - 20 }]) {
      expect((await pushEvent(ctx.pbx.id, ctx.pbx.webhookSecret, step)).status).toBe(200);
    }
    const [call] = (await api("/api/telephony/calls", { token: ctx.owner.token })).body.data;
    expect(call).toMatchObject({ status: "in_progress", agentUserId: ctx.agent.userId });

    const res = await hangup(ctx.manager.token, call.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.status).toBe("completed");
    expect(res.body.data.talkSeconds).toBeGreaterThan(0);
    const ended = (await timelineOf(ctx.owner, call.id)).timeline.find((t: any) => t.type === "ended");
    expect(ended.data).toMatchObject({ by: ctx.manager.userId, providerHadEnded: true });
  });

  it("answers 403 to a viewer", async () => {
    const owner = await registerAccount("hup3cx");
    const viewer = await addMember(owner, "viewer", "hup3cxv");
    const pbx = await createPbx(owner);
    const linkedid = uniqueId();
    await pushEvent(pbx.id, pbx.webhookSecret, { uniqueid: linkedid, linkedid, from: "4155550132", to: NUMBER, event: "start", timestamp: Math.floor(Date.now() / 1000) });
    const [call] = (await api("/api/telephony/calls", { token: owner.token })).body.data;
    expectError(await hangup(viewer.token, call.id), 403, "forbidden");
    expect(await hungUpAtAri(call.providerCallId)).toBeNull();
    expect((await api(`/api/telephony/calls/${call.id}`, { token: owner.token })).body.data).toMatchObject({ status: call.status, endedAt: null });
  });
});

describe("the hang-up route", () => {
  it("is documented in the OpenAPI document", async () => {
    const doc = (await api("/api/openapi.json")).body as unknown as { paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };
    const op = doc.paths["/api/telephony/calls/{id}/hangup"]?.post;
    expect(op?.tags).toEqual(["Telephony"]);
    expect(op?.summary).toMatch(/Hang up/);
  });
});

describe("hanging up a Twilio call from the browser", () => {
  async function twilioSetup(label: string) {
    const owner = await registerAccount(label);
    const agent = await addMember(owner, "agent", `${label}a`);
    const provider = await createProvider(owner, { type: "twilio", name: "Twilio", config: twilioConfig(FAKE_TWILIO.active) });
    await setStatus(agent, "available");
    return { owner, agent, provider };
  }

  it("completes a REST-placed call through Calls update Status=completed", async () => {
    const ctx = await twilioSetup("huptw");
    const placed = await api("/api/telephony/twilio/calls", { token: ctx.agent.token, body: { to: "+14155550166" } });
    const call = placed.body.data;
    const res = await hangup(ctx.agent.token, call.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.status).toBe("canceled");
    const sent = (await fakeTwilioRequests()).filter((r) => r.path === `/Calls/${call.providerCallId}.json`);
    expect(sent).toEqual([expect.objectContaining({ method: "POST", form: { Status: "completed" } })]);
    expectError(await hangup(ctx.agent.token, call.id), 409, "conflict");
  });

  it("also completes the customer's own leg once an outbound call was put on hold", async () => {
    const ctx = await twilioSetup("huptwh");
    const to = "+14155550168";
    const placed = await api("/api/telephony/twilio/calls", { token: ctx.agent.token, body: { to } });
    const call = placed.body.data;
    const bridge = twiml((await postTwilio(hookUrl(ctx.provider.id, "voice", { mode: "bridge", to }), { CallSid: call.providerCallId, From: NUMBER, To: `client:${identityOf(ctx.agent.userId)}` })).text);
    const leg = twilioSid("CA");
    await postTwilio(one(bridge, "Number").getAttribute("statusCallback")!, { CallSid: leg, ParentCallSid: call.providerCallId, From: NUMBER, To: to, CallStatus: "in-progress" });
    expect((await api(`/api/telephony/twilio/calls/${call.id}/hold`, { token: ctx.agent.token, body: { hold: true } })).status).toBe(200);

    const res = await hangup(ctx.agent.token, call.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ status: "completed" });
    const completed = (await fakeTwilioRequests()).filter((r) => r.form.Status === "completed").map((r) => r.path);
    expect(completed).toEqual(expect.arrayContaining([`/Calls/${call.providerCallId}.json`, `/Calls/${leg}.json`]));
    expect((await callsOf(ctx.owner))[0].holdSeconds).toBe(res.body.data.holdSeconds);
  });
});
