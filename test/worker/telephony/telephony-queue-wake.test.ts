import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it, vi } from "vitest";
import worker from "../../../worker/index";
import type { Job } from "../../../worker/platform/job-queue";
import { orgDb } from "../../../worker/platform/db";
import { setAgentStatus } from "../../../worker/agents/agent-status";
import { MAX_WAIT_JOB, QUEUE_WAKE_JOB } from "../../../schema/jobs";
import { FAKE_TWILIO } from "../../fakes/twilio-fixtures";
import { addMember, api, registerAccount, type Account } from "../../helpers";
import { createProvider, setStatus, twilioConfig } from "../../telephony-helpers";
import { callsOf, children, clientOffers, fakeTwilioRequests, hookUrl, one, postTwilio, timelineOf, twilioSid, twiml } from "./telephony-twilio-helpers";

const NUMBER = "+14155550100";
const inbound = (callSid: string, from = "+14155550142") => ({ CallSid: callSid, AccountSid: FAKE_TWILIO.active.accountSid, From: from, To: NUMBER, Caller: from, Called: NUMBER, CallStatus: "in-progress", Direction: "inbound", ApiVersion: "2010-04-01" });
const identityOf = (userId: string) => `agent_${userId.replace(/-/g, "")}`;

async function queue(owner: Account, body: Record<string, unknown>) {
  const res = await api("/api/telephony/queues", { token: owner.token, body: { name: `Q${Math.random().toString(36).slice(2, 8)}`, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as { id: string };
}

/** A queue of `agents` busy members (they may free up, so callers hold) and a Twilio provider routing into it. */
async function setup(label: string, agents = 2, strategy = "round_robin") {
  const owner = await registerAccount(label);
  const members: Account[] = [];
  for (let i = 0; i < agents; i++) members.push(await addMember(owner, "agent", `${label}a${i}`));
  for (const m of members) await setStatus(m, "busy");
  const q = await queue(owner, { strategy, members: members.map((m, i) => ({ userId: m.userId, priority: i })) });
  const provider = await createProvider(owner, { type: "twilio", name: "Twilio", config: twilioConfig(), defaultQueueId: q.id });
  return { owner, members, queueId: q.id, provider };
}

/** An inbound caller who ends up holding: the `<Redirect>` (signed queue-wait URL) of their hold TwiML. */
async function holdingCaller(url: string, sid: string) {
  const root = twiml((await postTwilio(url, inbound(sid))).text);
  expect(children(root).map((e) => e.tagName)).toEqual(["Say", "Play", "Redirect"]);
  const redirect = one(root, "Redirect");
  expect(redirect.getAttribute("method")).toBe("POST");
  return redirect.textContent!;
}

const updatesOf = async (sid: string) => (await fakeTwilioRequests()).filter((r) => r.method === "POST" && r.path === `/Calls/${sid}.json`);

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs jobs through the Worker's queue consumer, as Cloudflare delivers them. */
async function runJobs(...bodies: Job[]) {
  const batch = createMessageBatch<Job>("neuracrm-jobs", bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("holding callers are routed again when an agent becomes available", { timeout: 30_000 }, () => {
  it("redirects the queue's oldest holding caller to its signed queue-wait URL, only in the agent's queues", async () => {
    const { owner, members, provider, queueId } = await setup("qwk");
    const [agent] = members;
    const sids = [twilioSid("CA"), twilioSid("CA"), twilioSid("CA")];
    const waits: string[] = [];
    for (const sid of sids) waits.push(await holdingCaller(hookUrl(provider.id, "voice"), sid));
    expect(waits[0]).toBe(hookUrl(provider.id, "queue-wait", { queueId, since: new URL(waits[0]!).searchParams.get("since")!, tried: "", hops: "0" }));
    // A caller holding in a queue the agent is not a member of.
    const colleague = await addMember(owner, "agent", "qwkc");
    await setStatus(colleague, "busy");
    const other = await queue(owner, { members: [{ userId: colleague.userId }] });
    const otherSid = twilioSid("CA");
    await holdingCaller(hookUrl(provider.id, "queue-wait", { queueId: other.id, since: String(Date.now() - 5_000), tried: "", hops: "0" }), otherSid);

    await setStatus(agent!, "available");
    const [update] = await eventually(() => updatesOf(sids[0]!), (u) => u.length > 0, "the oldest caller's redirect");
    expect(update).toMatchObject({ accountSid: FAKE_TWILIO.active.accountSid, form: { Url: waits[0], Method: "POST" } });
    expect(update!.form.Twiml).toBeUndefined();
    // One agent is free: one caller moves; the others keep their music, and other queues are not touched.
    for (const sid of [...sids.slice(1), otherSid]) expect(await updatesOf(sid)).toEqual([]);

    // Twilio requests the URL at once: routing offers the call to the agent who just became available.
    const offer = twiml((await postTwilio(update!.form.Url as string, inbound(sids[0]!))).text);
    expect(clientOffers(offer).map((o) => o.identity)).toEqual([identityOf(agent!.userId)]);
  });

  it("moves one caller per available member, skips callers already gone, and runs again harmlessly", async () => {
    const { owner, members, provider } = await setup("qwk2", 2, "ring_all");
    const [done, hungUp, first, second, third] = [twilioSid("CA"), twilioSid("CA"), twilioSid("CA"), twilioSid("CA"), twilioSid("CA")];
    const urls: Record<string, string> = {};
    for (const sid of [done, hungUp, first, second, third]) urls[sid] = await holdingCaller(hookUrl(provider.id, "voice"), sid);
    // Ended for our records (Twilio's final callback arrived), and ended at Twilio only (the caller just hung up).
    expect((await postTwilio(hookUrl(provider.id, "status"), { ...inbound(done), CallStatus: "completed" })).status).toBe(204);
    await fetch(`${inject("twilioFakeUrl")}/__fake/hang-up?sid=${hungUp}`, { method: "POST" });

    // Both members free up without announcing it (no job of their own), then the wake-up runs through the consumer.
    const db = orgDb(env, owner.orgId);
    for (const m of members) await setAgentStatus(db, owner.orgId, m.userId, { status: "available", source: "agent", actorId: m.userId });
    const result = await runJobs({ type: QUEUE_WAKE_JOB, orgId: owner.orgId, userId: members[0]!.userId });
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(result.retryMessages).toEqual([]);

    expect(await updatesOf(done)).toEqual([]);
    // Twilio answered 21220 for the hung-up caller: no error, and it took no agent.
    expect((await updatesOf(hungUp)).map((u) => u.form.Url)).toEqual([urls[hungUp]]);
    expect((await updatesOf(first)).map((u) => u.form.Url)).toEqual([urls[first]]);
    expect((await updatesOf(second)).map((u) => u.form.Url)).toEqual([urls[second]]);
    expect(await updatesOf(third)).toEqual([]);

    // The first caller now rings the agents: a second wake-up leaves them ringing and moves only holding callers.
    const ringing = twiml((await postTwilio(urls[first]!, inbound(first))).text);
    expect(clientOffers(ringing)).toHaveLength(2);
    const again = await runJobs({ type: QUEUE_WAKE_JOB, orgId: owner.orgId, userId: members[1]!.userId });
    expect(again.explicitAcks).toEqual(["m0"]);
    expect(await updatesOf(first)).toHaveLength(1);
    expect(await updatesOf(second)).toHaveLength(2);
    expect((await updatesOf(third)).map((u) => u.form.Url)).toEqual([urls[third]]);
  });

  it("wakes the queue when an agent's wrap-up makes them available through the call core", async () => {
    const { owner, members, provider } = await setup("qwk3", 1);
    const [agent] = members;
    await setStatus(agent!, "available");
    const talking = twilioSid("CA");
    const offer = twiml((await postTwilio(hookUrl(provider.id, "voice"), inbound(talking))).text);
    const agentLeg = { CallSid: twilioSid("CA"), ParentCallSid: talking, From: "+14155550142", To: `client:${identityOf(agent!.userId)}` };
    const agentHook = clientOffers(offer)[0]!.statusCallback!;
    expect((await postTwilio(agentHook, { ...agentLeg, CallStatus: "in-progress" })).status).toBe(204);
    const waiting = twilioSid("CA");
    const url = await holdingCaller(hookUrl(provider.id, "voice"), waiting);
    expect((await postTwilio(hookUrl(provider.id, "status"), { ...inbound(talking), CallStatus: "completed" })).status).toBe(204);
    expect((await api("/api/agents/me", { token: agent!.token })).body.data.status).toBe("wrap_up");
    expect(await updatesOf(waiting)).toEqual([]);

    const [call] = (await callsOf(owner)).filter((c) => c.providerCallId === talking);
    const wrap = await api(`/api/telephony/calls/${call.id}`, { method: "PATCH", token: agent!.token, body: { disposition: "resolved" } });
    expect(wrap.status, JSON.stringify(wrap.body)).toBe(200);
    const [update] = await eventually(() => updatesOf(waiting), (u) => u.length > 0, "the waiting caller's redirect");
    expect(update!.form).toMatchObject({ Url: url, Method: "POST" });
  });
});

describe("maxWait is enforced on time", { timeout: 30_000 }, () => {
  it("redirects a caller still holding once maxWait is up, and routing overflows to voicemail", async () => {
    const { owner, provider, queueId } = await setup("qmw", 1);
    const sid = twilioSid("CA");
    const since = Date.now() - 200_000;
    const sent = vi.spyOn(env.JOBS, "send");
    const url = await holdingCaller(hookUrl(provider.id, "queue-wait", { queueId, since: String(since), tried: "", hops: "0" }), sid);
    const job = { type: MAX_WAIT_JOB, orgId: owner.orgId, providerId: provider.id, callSid: sid, queueId, since };
    // Holding starts the maxWait job, held back for the time left (300 s − 200 s waited), once per stay.
    await holdingCaller(url, sid);
    const queued = sent.mock.calls.filter(([body]) => body.type === MAX_WAIT_JOB);
    sent.mockRestore();
    expect(queued).toHaveLength(1);
    expect(queued[0]![0]).toEqual(job);
    expect(queued[0]![1]!.delaySeconds).toBeGreaterThan(90);
    expect(queued[0]![1]!.delaySeconds).toBeLessThanOrEqual(100);

    // Early (maxWait 300 s, 200 s waited) or for another stay in the queue: nothing moves, the job is done.
    const early = await runJobs(job, { ...job, since: since - 500_000 });
    expect(early.explicitAcks).toEqual(["m0", "m1"]);
    expect(await updatesOf(sid)).toEqual([]);

    const patch = await api(`/api/telephony/queues/${queueId}`, { method: "PATCH", token: owner.token, body: { maxWaitSeconds: 60 } });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    const late = await runJobs(job);
    expect(late.explicitAcks).toEqual(["m0"]);
    const [update] = await updatesOf(sid);
    expect(update!.form).toMatchObject({ Url: url, Method: "POST" });

    const overflow = twiml((await postTwilio(update!.form.Url as string, inbound(sid))).text);
    expect(children(overflow).map((e) => e.tagName)).toEqual(["Say", "Record"]);
    const [call] = await callsOf(owner);
    expect((await timelineOf(owner, call.id)).timeline.at(-1)).toMatchObject({ type: "transfer", data: { overflow: "voicemail" } });

    // The caller has left the queue: the job again changes nothing, and neither does it for a call that ended.
    expect((await runJobs(job)).explicitAcks).toEqual(["m0"]);
    expect(await updatesOf(sid)).toHaveLength(1);
  });

  it("leaves a caller alone while an agent's phone rings, and a call that already ended", async () => {
    const { owner, members, provider, queueId } = await setup("qmw2", 1);
    const since = Date.now() - 200_000;
    const [ringing, ended, hungUp] = [twilioSid("CA"), twilioSid("CA"), twilioSid("CA")];
    const urls: Record<string, string> = {};
    for (const sid of [ringing, ended, hungUp]) urls[sid] = await holdingCaller(hookUrl(provider.id, "queue-wait", { queueId, since: String(since), tried: "", hops: "0" }), sid);
    const patch = await api(`/api/telephony/queues/${queueId}`, { method: "PATCH", token: owner.token, body: { maxWaitSeconds: 60 } });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    // The agent frees up and the first caller's next pass rings them.
    await setAgentStatus(orgDb(env, owner.orgId), owner.orgId, members[0]!.userId, { status: "available", source: "agent", actorId: null });
    expect(clientOffers(twiml((await postTwilio(urls[ringing]!, inbound(ringing))).text))).toHaveLength(1);
    expect((await postTwilio(hookUrl(provider.id, "status"), { ...inbound(ended), CallStatus: "completed" })).status).toBe(204);
    await fetch(`${inject("twilioFakeUrl")}/__fake/hang-up?sid=${hungUp}`, { method: "POST" });

    const jobs = [ringing, ended, hungUp].map((callSid) => ({ type: MAX_WAIT_JOB, orgId: owner.orgId, providerId: provider.id, callSid, queueId, since: since - 60_000 }));
    const stale = await runJobs(...jobs);
    expect(stale.explicitAcks).toEqual(["m0", "m1", "m2"]);
    const due = await runJobs(...jobs.map((j) => ({ ...j, since })));
    expect(due.explicitAcks).toEqual(["m0", "m1", "m2"]);
    expect(due.retryMessages).toEqual([]);
    expect(await updatesOf(ringing)).toEqual([]);
    expect(await updatesOf(ended)).toEqual([]);
    // Twilio answered 21220: the job is done without error.
    expect((await updatesOf(hungUp)).map((u) => u.form.Url)).toEqual([urls[hungUp]]);
  });
});
