import { describe, expect, it } from "vitest";
import { FAKE_TWILIO } from "../../fakes/twilio-fixtures";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { create } from "../../record-helpers";
import { createProvider, setStatus, twilioConfig } from "../../telephony-helpers";
import { all, callsOf, children, clientOffers, hookUrl, one, postTwilio, timelineOf, twilioSid, twiml } from "./telephony-twilio-helpers";

const NUMBER = "+14155550100";

function decodeJwt(token: string) {
  const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/"))));
  return { header, payload };
}

async function queue(owner: Account, body: Record<string, unknown>) {
  const res = await api("/api/telephony/queues", { token: owner.token, body: { name: `Q${Math.random().toString(36).slice(2, 8)}`, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string; name: string };
}

async function setup(label: string, opts: { strategy?: string; agents?: number; queue?: Record<string, unknown>; config?: Record<string, unknown> } = {}) {
  const owner = await registerAccount(label);
  const agents: Account[] = [];
  for (let i = 0; i < (opts.agents ?? 2); i++) agents.push(await addMember(owner, "agent", `${label}a${i}`));
  const q = await queue(owner, { strategy: opts.strategy ?? "ring_all", ringTimeoutSeconds: 15, members: agents.map((a, i) => ({ userId: a.userId, priority: i })), ...opts.queue });
  const provider = await createProvider(owner, { type: "twilio", name: "Twilio", config: twilioConfig(FAKE_TWILIO.active, opts.config ?? {}), defaultQueueId: q.id });
  return { owner, agents, queue: q, provider };
}

const inbound = (callSid: string, from = "+14155550142") => ({ CallSid: callSid, AccountSid: FAKE_TWILIO.active.accountSid, From: from, To: NUMBER, Caller: from, Called: NUMBER, CallStatus: "ringing", Direction: "inbound", ApiVersion: "2010-04-01" });
const identityOf = (userId: string) => `agent_${userId.replace(/-/g, "")}`;

describe("POST /api/telephony/twilio/token", () => {
  it("answers not_configured while the organization has no Twilio provider", async () => {
    const owner = await registerAccount("twtok0");
    expectError(await api("/api/telephony/twilio/token", { token: owner.token, method: "POST" }), 409, "not_configured");
  });

  it("issues a 1 h Access Token with a Voice grant for the agent's identity", async () => {
    const { owner, agents, provider } = await setup("twtok", { agents: 1 });
    const res = await api("/api/telephony/twilio/token", { token: agents[0]!.token, method: "POST" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { token, identity, expiresAt, providerId } = res.body.data;
    expect(providerId).toBe(provider.id);
    expect(identity).toBe(identityOf(agents[0]!.userId));
    const { header, payload } = decodeJwt(token);
    expect(header).toMatchObject({ alg: "HS256", typ: "JWT", cty: "twilio-fpa;v=1" });
    const config = twilioConfig();
    expect(payload.iss).toBe(config.apiKeySid);
    expect(payload.sub).toBe(config.accountSid);
    expect(payload.exp - payload.iat).toBe(3600);
    expect(expiresAt).toBe(payload.exp * 1000);
    expect(payload.grants).toEqual({ identity, voice: { incoming: { allow: true }, outgoing: { application_sid: config.twimlAppSid } } });

    // A mapped Client identity wins over the derived one.
    const ext = await api("/api/telephony/extensions", { token: owner.token, body: { providerId: provider.id, userId: agents[0]!.userId, extension: "alice_desk" } });
    expect(ext.status, JSON.stringify(ext.body)).toBe(201);
    const mapped = await api("/api/telephony/twilio/token", { token: agents[0]!.token, method: "POST", body: {} });
    expect(mapped.body.data.identity).toBe("alice_desk");
    expect(decodeJwt(mapped.body.data.token).payload.grants.identity).toBe("alice_desk");
  });

  it("refuses viewers and unknown providers", async () => {
    const { owner } = await setup("twtok2", { agents: 0 });
    const viewer = await addMember(owner, "viewer", "twtokv");
    expectError(await api("/api/telephony/twilio/token", { token: viewer.token, method: "POST" }), 403, "forbidden");
    expectError(await api("/api/telephony/twilio/token", { token: owner.token, body: { providerId: "nope" } }), 404, "not_found");
    expectError(await api("/api/telephony/twilio/token", { token: owner.token, body: { providerId: 5 } }), 400, "validation_error");
  });
});

describe("Twilio webhook signatures", () => {
  it("accepts only requests signed for the exact URL and parameters, writing nothing otherwise", async () => {
    const { owner, provider } = await setup("twsig", { agents: 1 });
    const url = hookUrl(provider.id, "voice");
    const params = inbound(twilioSid("CA"));

    expectError(await api(`/api/telephony/twilio/${provider.id}/voice`, { rawBody: new URLSearchParams(params).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } }), 403, "forbidden");
    expect((await postTwilio(url, params, { signature: null })).status).toBe(403);
    expect((await postTwilio(url, params, { authToken: "not-the-auth-token" })).status).toBe(403);
    expect((await postTwilio(url, params, { authToken: FAKE_TWILIO.suspended.authToken })).status).toBe(403);
    // Signed for other parameters (a tampered From), or for the URL without its query.
    const { getExpectedTwilioSignature } = await import("twilio/lib/webhooks/webhooks.js");
    const tampered = getExpectedTwilioSignature(FAKE_TWILIO.active.authToken, url, { ...params, From: "+14155550999" });
    expect((await postTwilio(url, params, { signature: tampered })).status).toBe(403);
    const withQuery = hookUrl(provider.id, "voice", { mode: "x" });
    expect((await postTwilio(withQuery, params, { signature: getExpectedTwilioSignature(FAKE_TWILIO.active.authToken, url, params) })).status).toBe(403);
    expect(await callsOf(owner)).toHaveLength(0);

    const good = await postTwilio(withQuery, params);
    expect(good.status, good.text).toBe(200);
    expect(good.contentType).toContain("text/xml");
    twiml(good.text);
    expect(await callsOf(owner)).toHaveLength(1);
  });

  it("answers 404 for an unknown provider and 400 without a CallSid", async () => {
    const { provider } = await setup("twsig2", { agents: 0 });
    expect((await postTwilio(hookUrl("no-such-provider", "status"), { CallSid: twilioSid("CA") })).status).toBe(404);
    const res = await postTwilio(hookUrl(provider.id, "status"), { CallStatus: "ringing" });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.code).toBe("validation_error");
  });
});

describe("voice URL: calls from the browser", () => {
  it("dials a number from the organization's number, validating it in the default country", async () => {
    const { owner, agents, provider } = await setup("twout", { agents: 2 });
    const contact = await create("/api/contacts", owner.token, { firstName: "Otto", lastName: "Outbound", phone: "+14155550199" });
    const sid = twilioSid("CA");
    const res = await postTwilio(hookUrl(provider.id, "voice"), { CallSid: sid, From: `client:${identityOf(agents[0]!.userId)}`, To: "(415) 555-0199", Direction: "inbound", CallStatus: "ringing" });
    expect(res.status, res.text).toBe(200);
    const dial = one(twiml(res.text), "Dial");
    expect(dial.getAttribute("callerId")).toBe(NUMBER);
    const number = one(dial, "Number");
    expect(number.textContent).toBe("+14155550199");
    expect(number.getAttribute("statusCallback")).toBe(hookUrl(provider.id, "status", { leg: "callee" }));
    const [call] = await callsOf(owner);
    expect(call).toMatchObject({ providerCallId: sid, direction: "outbound", from: NUMBER, to: "+14155550199", agentUserId: agents[0]!.userId, contactId: contact.id, status: "initiated" });

    const bad = await postTwilio(hookUrl(provider.id, "voice"), { CallSid: twilioSid("CA"), From: `client:${identityOf(agents[0]!.userId)}`, To: "12", Direction: "inbound" });
    const root = twiml(bad.text);
    expect(one(root, "Say").textContent).toContain("not valid");
    expect(all(root, "Dial")).toHaveLength(0);

    const colleague = await postTwilio(hookUrl(provider.id, "voice"), { CallSid: twilioSid("CA"), From: `client:${identityOf(agents[0]!.userId)}`, To: `client:${identityOf(agents[1]!.userId)}` });
    expect(clientOffers(twiml(colleague.text)).map((o) => o.identity)).toEqual([identityOf(agents[1]!.userId)]);

    const stranger = await postTwilio(hookUrl(provider.id, "voice"), { CallSid: twilioSid("CA"), From: "client:agent_00000000000000000000000000000000", To: "+14155550199" });
    expect(all(twiml(stranger.text), "Dial")).toHaveLength(0);
    expect(await callsOf(owner)).toHaveLength(2);
  });
});

describe("voice URL: inbound calls through the queue", () => {
  it("ring_all offers every available agent in one <Dial>, with the caller's record as Client parameters", async () => {
    const { owner, agents, provider, queue: q } = await setup("twra", { agents: 3 });
    await setStatus(agents[0]!, "available");
    await setStatus(agents[1]!, "available");
    const contact = await create("/api/contacts", owner.token, { firstName: "Rita", lastName: "Ringall", phone: "+14155550142" });
    const sid = twilioSid("CA");
    const res = await postTwilio(hookUrl(provider.id, "voice"), inbound(sid));
    const root = twiml(res.text);
    const dial = one(root, "Dial");
    expect(dial.getAttribute("timeout")).toBe("15");
    const offers = clientOffers(root);
    expect(offers.map((o) => o.identity)).toEqual([identityOf(agents[0]!.userId), identityOf(agents[1]!.userId)]);
    const [call] = await callsOf(owner);
    expect(offers[0]!.params).toMatchObject({ callId: call.id, contactId: contact.id, callerName: "Rita Ringall", from: "+14155550142", queueId: q.id, queueName: q.name });
    expect(offers[0]!.statusCallback).toBe(hookUrl(provider.id, "status", { leg: "agent" }));
    expect(call).toMatchObject({ direction: "inbound", status: "ringing", queueId: q.id, agentUserId: null });

    const live = await api("/api/telephony/live", { token: owner.token });
    expect(live.body.data.queues.find((x: any) => x.id === q.id)).toMatchObject({ waiting: 1 });
    expect((await timelineOf(owner, call.id)).timeline.map((t: any) => t.type)).toEqual(["queued", "ringing"]);
  });

  it("round robin offers one agent at a time and moves on when the offer is not answered", async () => {
    const { owner, agents, provider } = await setup("twrr", { strategy: "round_robin", agents: 2 });
    for (const a of agents) await setStatus(a, "available");
    const sid = twilioSid("CA");
    const first = twiml((await postTwilio(hookUrl(provider.id, "voice"), inbound(sid))).text);
    const [offer1] = clientOffers(first);
    expect(clientOffers(first)).toHaveLength(1);
    const firstAgent = agents.find((a) => identityOf(a.userId) === offer1!.identity)!;
    expect((await callsOf(owner))[0].agentUserId).toBe(firstAgent.userId);
    expect((await api("/api/agents/me", { token: firstAgent.token })).body.data.status).toBe("busy");

    const action = one(first, "Dial").getAttribute("action")!;
    const second = twiml((await postTwilio(action, { ...inbound(sid), DialCallStatus: "no-answer", CallStatus: "in-progress" })).text);
    const offers2 = clientOffers(second);
    expect(offers2).toHaveLength(1);
    expect(offers2[0]!.identity).not.toBe(offer1!.identity);
    // The agent who did not answer is available again.
    expect((await api("/api/agents/me", { token: firstAgent.token })).body.data.status).toBe("available");

    // Everyone tried, time left: the caller holds hearing Twilio's hold music, then a new pass.
    const third = twiml((await postTwilio(one(second, "Dial").getAttribute("action")!, { ...inbound(sid), DialCallStatus: "no-answer" })).text);
    expect(all(third, "Dial")).toHaveLength(0);
    expect(all(third, "Pause")).toHaveLength(0);
    expect(one(third, "Play").textContent).toBe("https://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3");
    const redirect = one(third, "Redirect").textContent!;
    expect(redirect).toContain("/queue-wait?");
    const again = twiml((await postTwilio(redirect, inbound(sid))).text);
    expect(clientOffers(again)).toHaveLength(1);
    expect(await callsOf(owner)).toHaveLength(1);
  });

  it("overflows to voicemail when nobody can answer, and after the queue's maxWait", async () => {
    const { owner, agents, provider, queue: q } = await setup("twvm", { agents: 1 });
    const sid = twilioSid("CA");
    const root = twiml((await postTwilio(hookUrl(provider.id, "voice"), inbound(sid))).text);
    expect(children(root).map((e) => e.tagName)).toEqual(["Say", "Record"]);
    const record = one(root, "Record");
    expect(record.getAttribute("recordingStatusCallback")).toBe(hookUrl(provider.id, "recording", { kind: "voicemail" }));
    expect(record.getAttribute("action")).toBe(hookUrl(provider.id, "voicemail"));
    const [call] = await callsOf(owner);
    expect((await timelineOf(owner, call.id)).timeline.at(-1)).toMatchObject({ type: "transfer", data: { overflow: "voicemail" } });
    const bye = twiml((await postTwilio(record.getAttribute("action")!, { ...inbound(sid), RecordingUrl: "x", RecordingSid: twilioSid("RE") })).text);
    expect(children(bye).map((e) => e.tagName)).toEqual(["Say", "Hangup"]);

    // A busy agent may free up: the caller waits, until maxWait has passed.
    await setStatus(agents[0]!, "available");
    await api(`/api/agents/${agents[0]!.userId}/status`, { method: "PUT", token: owner.token, body: { status: "busy" } });
    const sid2 = twilioSid("CA");
    const wait = twiml((await postTwilio(hookUrl(provider.id, "voice"), inbound(sid2))).text);
    expect(one(wait, "Redirect")).toBeTruthy();
    const late = hookUrl(provider.id, "queue-wait", { queueId: q.id, since: String(Date.now() - 301_000), tried: "", hops: "0" });
    expect(children(twiml((await postTwilio(late, inbound(sid2))).text)).map((e) => e.tagName)).toEqual(["Say", "Record"]);
  });

  it("records answered calls when the provider says so", async () => {
    const { agents, provider } = await setup("twrecq", { agents: 1, config: { recordCalls: true } });
    await setStatus(agents[0]!, "available");
    const dial = one(twiml((await postTwilio(hookUrl(provider.id, "voice"), inbound(twilioSid("CA")))).text), "Dial");
    expect(dial.getAttribute("record")).toBe("record-from-answer-dual");
    expect(dial.getAttribute("recordingStatusCallback")).toBe(hookUrl(provider.id, "recording", { kind: "call" }));
  });

  it("overflows into another queue, and from there to its agents", async () => {
    const { owner, provider, queue: first } = await setup("twqq", { agents: 1 });
    const helper = await addMember(owner, "agent", "twqqh");
    await setStatus(helper, "available");
    const second = await queue(owner, { members: [{ userId: helper.userId }] });
    const patch = await api(`/api/telephony/queues/${first.id}`, { method: "PATCH", token: owner.token, body: { overflowAction: "queue", overflowTarget: second.id } });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const root = twiml((await postTwilio(hookUrl(provider.id, "voice"), inbound(twilioSid("CA")))).text);
    expect(clientOffers(root).map((o) => o.identity)).toEqual([identityOf(helper.userId)]);
    expect(clientOffers(root)[0]!.params.queueId).toBe(second.id);
    const [call] = await callsOf(owner);
    expect(call.queueId).toBe(second.id);
  });

  it("overflows to a number when the queue says so", async () => {
    const { provider } = await setup("twnum", { agents: 1, queue: { overflowAction: "number", overflowTarget: "+14155550177" } });
    const root = twiml((await postTwilio(hookUrl(provider.id, "voice"), inbound(twilioSid("CA")))).text);
    expect(one(one(root, "Dial"), "Number").textContent).toBe("+14155550177");
  });
});
