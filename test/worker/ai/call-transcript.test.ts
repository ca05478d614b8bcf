import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, inject, it, vi } from "vitest";
import worker from "../../../worker/index";
import type { Job } from "../../../worker/platform/job-queue";
import { applyCallEvent } from "../../../worker/telephony/calls";
import { RECORDING_JOB } from "../../../worker/telephony/recordings/call-recordings";
import { CALL_TRANSCRIPT_JOB, type CallTranscriptJob } from "../../../schema/jobs";
import { fakeRequests, scriptFake, type FakeStep } from "../../fakes/openai-fixtures";
import { FAKE_TWILIO, fakeRecordingMedia, fakeRecordingWav } from "../../fakes/twilio-fixtures";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { create, restrictToOwnRecords } from "../../record-helpers";
import { openRoom, RoomClient, until } from "../../room-client";
import { callSid, createProvider } from "../../telephony-helpers";
import { fakeTwilioRequests, hookUrl, postTwilio, twilioSid } from "../telephony/telephony-twilio-helpers";
import { connectFakeAi } from "./ai-helpers";
import { pcmWav } from "./call-transcript-audio";

const T = Date.UTC(2026, 10, 20, 15, 0, 0);
const S = 1000;
const CUSTOMER_NUMBER = "+14155550142";

/** Three seconds of an inbound call: the agent (right channel) speaks, then the caller (left), then the agent again. */
const dualChannelCall = fakeRecordingWav;
const MONO_BYTES = 44 + 3 * 8000 * 2;

const customerSays: FakeStep = {
  transcript: { text: "I'd like a quote for forty licences.", duration: 3, segments: [{ start: 1.0, end: 2.0, text: "I'd like a quote for forty licences." }] },
};
const agentSays: FakeStep = {
  transcript: {
    text: "Thanks for calling Acme, this is Sam. I will send the quote by Friday.",
    duration: 3,
    segments: [
      { start: 0.1, end: 0.9, text: "Thanks for calling Acme, this is Sam." },
      { start: 2.1, end: 2.9, text: "I will send the quote by Friday." },
    ],
  },
};
const SUMMARY = "Dana asked for a quote for forty licences. Sam promised it by Friday.";
const summaryStep: FakeStep = { text: JSON.stringify({ summary: SUMMARY, actionItems: ["Send the quote for forty licences by Friday", "Book a follow-up call"] }) };

async function setup(label: string, ai: Record<string, unknown> | null = {}) {
  const owner = await registerAccount(label);
  const agent = await addMember(owner, "agent", `${label}ag`);
  const provider = await createProvider(owner);
  const key = ai ? await connectFakeAi(owner, ai) : "";
  return { owner, agent, providerId: provider.id, key };
}

const channelsKeyOf = (orgId: string, callId: string) => `${orgId}/recordings/${callId}.channels.wav`;

/**
 * A finished call handled by `agentUserId`, its recording in R2 as the copy
 * job leaves it (with `channels`, Twilio's dual-channel WAV beside it).
 */
async function recordedCall(ctx: { owner: Account; providerId: string }, agentUserId: string, audio: Uint8Array, contentType = "audio/mpeg", channels?: Uint8Array) {
  const base = { providerId: ctx.providerId, providerCallId: callSid(), direction: "inbound" as const, from: CUSTOMER_NUMBER, to: "+14155550100" };
  await applyCallEvent(env, ctx.owner.orgId, { ...base, status: "in_progress", at: T, agentUserId });
  const { call } = await applyCallEvent(env, ctx.owner.orgId, { ...base, status: "completed", at: T + 30 * S });
  const key = `${ctx.owner.orgId}/recordings/${call.id}.mp3`;
  await env.FILES.put(key, audio, { httpMetadata: { contentType } });
  const channelsKey = channelsKeyOf(ctx.owner.orgId, call.id);
  if (channels) await env.FILES.put(channelsKey, channels, { httpMetadata: { contentType: "audio/wav" } });
  await applyCallEvent(env, ctx.owner.orgId, { ...base, status: "recording", at: T + 31 * S, eventId: `${base.providerCallId}:stored`, recording: { key } });
  const job: CallTranscriptJob = { type: CALL_TRANSCRIPT_JOB, orgId: ctx.owner.orgId, callId: call.id, recordingKey: key, ...(channels ? { channelsKey } : {}) };
  return { callId: call.id, key, channelsKey, job };
}

/** Twilio's recording callback for an inbound call (the call's record is made by it); the queue then copies the media. */
async function twilioRecording(ctx: { owner: Account; providerId: string }, opts: { channels?: string; oversizeWav?: boolean } = {}) {
  const callSid = twilioSid("CA");
  const recordingSid = twilioSid("RE");
  if (opts.oversizeWav) expect((await fetch(`${inject("twilioFakeUrl")}/__fake/oversize-wav?sid=${recordingSid}`, { method: "POST" })).status).toBe(200);
  const params = {
    AccountSid: FAKE_TWILIO.active.accountSid, CallSid: callSid, From: CUSTOMER_NUMBER, To: "+14155550100", RecordingSid: recordingSid, RecordingStatus: "completed",
    RecordingDuration: "3", RecordingChannels: opts.channels ?? "2", RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${FAKE_TWILIO.active.accountSid}/Recordings/${recordingSid}`,
  };
  expect((await postTwilio(hookUrl(ctx.providerId, "recording", { kind: "call" }), params)).status).toBe(204);
  const [call] = (await api("/api/telephony/calls", { token: ctx.owner.token })).body.data;
  const copyJob: Job = { type: RECORDING_JOB, orgId: ctx.owner.orgId, providerId: ctx.providerId, callId: call.id, providerCallId: callSid, recordingSid };
  return { callId: call.id as string, recordingSid, channelsKey: channelsKeyOf(ctx.owner.orgId, call.id), copyJob };
}

/** What the fake Twilio was asked for this recording's media, e.g. ["GET mp3", "GET wav"]. */
async function mediaRequests(recordingSid: string) {
  const media = (await fakeTwilioRequests()).filter((r) => r.path.startsWith(`/Recordings/${recordingSid}.`) && !r.path.endsWith(".json"));
  return media.map((r) => `${r.method} ${r.path.split(".").at(-1)}`);
}

/** Runs jobs through the Worker's queue consumer, as Cloudflare delivers them. */
async function runJobs(...bodies: Job[]) {
  const batch = createMessageBatch<Job>("neuracrm-jobs", bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

const transcriptOf = (account: Account, callId: string) => api(`/api/ai/calls/${callId}/transcript`, { token: account.token });

async function usageOf(orgId: string) {
  const rows = await env.DB.prepare("SELECT feature, user_id, provider, model, audio_seconds, input_tokens, output_tokens FROM ai_usage WHERE org_id = ? ORDER BY created_at, feature")
    .bind(orgId)
    .all<Record<string, unknown>>();
  return rows.results;
}

async function roomOf(account: Account) {
  const res = await openRoom(account.orgId, account.token);
  expect(res.status).toBe(101);
  return new RoomClient(res.webSocket!);
}

describe("transcribing a call recording", () => {
  it("transcribes each party of a dual-channel recording, summarizes it, meters it and tells who may see the call", async () => {
    const ctx = await setup("ctdual");
    const contact = await create("/api/contacts", ctx.owner.token, { firstName: "Dana", lastName: "Buyer", phone: CUSTOMER_NUMBER });
    const { callId, job } = await recordedCall(ctx, ctx.agent.userId, dualChannelCall(), "audio/wav");
    await scriptFake(ctx.key, [customerSays, agentSays, summaryStep]);
    const room = await roomOf(ctx.owner);

    const result = await runJobs(job);
    expect(result.explicitAcks).toEqual(["m0"]);

    const sent = await fakeRequests(ctx.key);
    expect(sent.map((r) => r.path)).toEqual(["/v1/audio/transcriptions", "/v1/audio/transcriptions", "/v1/chat/completions"]);
    // Inbound: the caller is the left channel, the agent the right; each goes up alone as a mono WAV.
    expect(sent[0]!.body).toMatchObject({ model: "fake-whisper-1", response_format: "verbose_json", file: { name: `${callId}-customer.wav`, type: "audio/wav", size: MONO_BYTES } });
    expect(sent[1]!.body).toMatchObject({ model: "fake-whisper-1", file: { name: `${callId}-agent.wav`, type: "audio/wav", size: MONO_BYTES } });
    const prompt = (sent[2]!.body.messages as { role: string; content: string }[]).at(-1)!.content;
    expect(sent[2]!.body.model).toBe("fake-chat-1");
    expect(prompt).toContain("[0:00] Agent: Thanks for calling Acme, this is Sam.\n[0:01] Customer: I'd like a quote for forty licences.\n[0:02] Agent: I will send the quote by Friday.");

    const transcript = await transcriptOf(ctx.owner, callId);
    expect(transcript.status).toBe(200);
    expect(transcript.body.data).toMatchObject({ callId, status: "done", provider: "openai", model: "fake-whisper-1", summary: SUMMARY, error: null, retryable: false });
    expect(transcript.body.data.segments).toEqual([
      { speaker: "agent", start: 0.1, end: 0.9, text: "Thanks for calling Acme, this is Sam." },
      { speaker: "customer", start: 1.0, end: 2.0, text: "I'd like a quote for forty licences.", sentiment: { label: "positive", score: expect.any(Number), model: "vader" } },
      { speaker: "agent", start: 2.1, end: 2.9, text: "I will send the quote by Friday." },
    ]);
    expect(transcript.body.data.sentiment).toMatchObject({ label: "positive", messages: 1, model: "vader" });
    expect(transcript.body.data.actionItems.map((i: { text: string }) => i.text)).toEqual(["Send the quote for forty licences by Friday", "Book a follow-up call"]);
    expect(transcript.body.data.actionItems.every((i: { id: string; taskId?: string }) => i.id && i.taskId === undefined)).toBe(true);

    const usage = await usageOf(ctx.owner.orgId);
    expect(usage.filter((u) => u.feature === "call_transcript")).toEqual([
      { feature: "call_transcript", user_id: null, provider: "openai", model: "fake-whisper-1", audio_seconds: 3, input_tokens: 0, output_tokens: 0 },
      { feature: "call_transcript", user_id: null, provider: "openai", model: "fake-whisper-1", audio_seconds: 3, input_tokens: 0, output_tokens: 0 },
    ]);
    const [summaryUsage] = usage.filter((u) => u.feature === "call_summary");
    expect(summaryUsage).toMatchObject({ user_id: null, model: "fake-chat-1", audio_seconds: 0 });
    expect(Number(summaryUsage!.input_tokens)).toBeGreaterThan(0);

    await until(() => room.events.some((e) => e.type === "ai_insight"), "the ai_insight event");
    expect(room.events.find((e) => e.type === "ai_insight")!.data).toEqual({
      kind: "call_summary",
      record: { type: "call", id: callId, title: "Call with Dana Buyer" },
      headline: "Dana asked for a quote for forty licences.",
      by: null,
      insightId: expect.any(String),
      evidence: [{ type: "call", id: callId, title: "Call with Dana Buyer", detail: "Dana asked for a quote for forty licences." }],
    });
    room.close();

    // Words from the transcript find the call in the call log's search, as prefixes too.
    for (const q of ["licences", "Friday quote", "licen"]) {
      const found = await api(`/api/telephony/calls?q=${encodeURIComponent(q)}`, { token: ctx.owner.token });
      expect(found.body.data.map((c: { id: string }) => c.id), q).toEqual([callId]);
    }
    expect((await api("/api/telephony/calls?q=unicorn", { token: ctx.owner.token })).body.data).toEqual([]);

    // Delivered again: the done transcript is left alone; no model is called, nothing is metered.
    expect((await runJobs(job)).explicitAcks).toEqual(["m0"]);
    expect(await fakeRequests(ctx.key)).toHaveLength(3);
    expect(await usageOf(ctx.owner.orgId)).toHaveLength(3);
    expect((await transcriptOf(ctx.owner, callId)).body.data).toEqual(transcript.body.data);
  });

  it("lets only one of two concurrent deliveries transcribe", async () => {
    const ctx = await setup("ctrace");
    const { callId, job } = await recordedCall(ctx, ctx.agent.userId, dualChannelCall(), "audio/wav");
    await scriptFake(ctx.key, [customerSays, agentSays, summaryStep]);
    await Promise.all([runJobs(job), runJobs(job), runJobs(job)]);
    expect((await fakeRequests(ctx.key)).map((r) => r.path)).toEqual(["/v1/audio/transcriptions", "/v1/audio/transcriptions", "/v1/chat/completions"]);
    expect((await transcriptOf(ctx.owner, callId)).body.data.segments).toHaveLength(3);
    expect(await usageOf(ctx.owner.orgId)).toHaveLength(3);
  });
});

describe("recordings copied from Twilio", () => {
  it("transcribes each party from Twilio's dual-channel WAV, then deletes the WAV; a redelivery changes nothing", async () => {
    const ctx = await setup("cttwilio");
    await scriptFake(ctx.key, [customerSays, agentSays, summaryStep]);
    const { callId, recordingSid, channelsKey, copyJob } = await twilioRecording(ctx);
    // The copy job stores the MP3 and the WAV, then hands both to the transcription job, which drops the WAV once done.
    await vi.waitFor(
      async () => {
        expect((await transcriptOf(ctx.owner, callId)).body.data.status).toBe("done");
        expect(await env.FILES.head(channelsKey)).toBeNull();
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(await mediaRequests(recordingSid)).toEqual(["GET mp3", "GET wav"]);
    const uploads = await fakeRequests(ctx.key);
    expect(uploads.map((r) => r.body.file)).toEqual([
      expect.objectContaining({ name: `${callId}-customer.wav`, type: "audio/wav", size: MONO_BYTES }),
      expect.objectContaining({ name: `${callId}-agent.wav`, type: "audio/wav", size: MONO_BYTES }),
      undefined,
    ]);
    const transcript = (await transcriptOf(ctx.owner, callId)).body.data;
    expect(transcript.segments.map((s: { speaker: string; start: number }) => `${s.speaker}@${s.start}`)).toEqual(["agent@0.1", "customer@1", "agent@2.1"]);
    expect(transcript.summary).toBe(SUMMARY);
    expect((await usageOf(ctx.owner.orgId)).filter((u) => u.feature === "call_transcript").map((u) => u.audio_seconds)).toEqual([3, 3]);
    // Playback still has the MP3, untouched.
    expect(await (await env.FILES.get(`${ctx.owner.orgId}/recordings/${callId}.mp3`))!.text()).toBe(fakeRecordingMedia(recordingSid));

    // Twilio's callback and both jobs delivered again: no media fetched, no WAV stored, no model called, nothing metered.
    expect((await postTwilio(hookUrl(ctx.providerId, "recording", { kind: "call" }), { AccountSid: FAKE_TWILIO.active.accountSid, CallSid: copyJob.providerCallId as string, RecordingSid: recordingSid, RecordingStatus: "completed", RecordingDuration: "3", RecordingChannels: "2" })).status).toBe(204);
    expect((await runJobs(copyJob)).explicitAcks).toEqual(["m0"]);
    const recordingKey = `${ctx.owner.orgId}/recordings/${callId}.mp3`;
    expect((await runJobs({ type: CALL_TRANSCRIPT_JOB, orgId: ctx.owner.orgId, callId, recordingKey, channelsKey } satisfies CallTranscriptJob)).explicitAcks).toEqual(["m0"]);
    // Give the jobs the redelivered callback queued the same time to run.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await mediaRequests(recordingSid)).toEqual(["GET mp3", "GET wav"]);
    expect(await env.FILES.head(channelsKey)).toBeNull();
    expect(await fakeRequests(ctx.key)).toHaveLength(3);
    expect(await usageOf(ctx.owner.orgId)).toHaveLength(3);
    expect((await transcriptOf(ctx.owner, callId)).body.data).toEqual(transcript);

    // Deleting the recording takes its words with it.
    expect((await api(`/api/telephony/calls/${callId}/recording`, { method: "DELETE", token: ctx.owner.token })).status).toBe(200);
    expect((await transcriptOf(ctx.owner, callId)).body.data).toMatchObject({ status: null, segments: [], retryable: false });
    expect((await api("/api/telephony/calls?q=licences", { token: ctx.owner.token })).body.data).toEqual([]);
  });

  it("transcribes a call too long for the WAV from its MP3, as one speaker, reading no more of the WAV than its headers", async () => {
    const ctx = await setup("ctlong");
    await scriptFake(ctx.key, [{ transcript: { text: "Hello there.", duration: 3, segments: [{ start: 0, end: 1.5, text: "Hello there." }] } }, { text: "A short hello; nothing to do." }]);
    const { callId, recordingSid, channelsKey } = await twilioRecording(ctx, { oversizeWav: true });
    await vi.waitFor(async () => expect((await transcriptOf(ctx.owner, callId)).body.data.status).toBe("done"), { timeout: 20_000, interval: 200 });
    expect(await mediaRequests(recordingSid)).toEqual(["GET mp3", "GET wav"]);
    expect(await env.FILES.head(channelsKey)).toBeNull();
    const uploads = await fakeRequests(ctx.key);
    expect(uploads.map((r) => r.path)).toEqual(["/v1/audio/transcriptions", "/v1/chat/completions"]);
    expect(uploads[0]!.body).toMatchObject({ model: "fake-whisper-1", file: { name: `${callId}.mp3`, type: "audio/mpeg", size: fakeRecordingMedia(recordingSid).length } });
    const transcript = (await transcriptOf(ctx.owner, callId)).body.data;
    expect(transcript.segments).toEqual([{ speaker: "speaker", start: 0, end: 1.5, text: "Hello there.", sentiment: { label: "neutral", score: 0, model: "vader" } }]);
    // Prose instead of JSON: kept as the summary, no action items.
    expect(transcript).toMatchObject({ summary: "A short hello; nothing to do.", actionItems: [] });
  });

  it("fetches no WAV for a recording Twilio made in one channel", async () => {
    const ctx = await setup("ctmono");
    await scriptFake(ctx.key, [{ transcript: { text: "Please call me back.", duration: 3, segments: [{ start: 0, end: 2, text: "Please call me back." }] } }]);
    const { callId, recordingSid } = await twilioRecording(ctx, { channels: "1" });
    await vi.waitFor(async () => expect((await transcriptOf(ctx.owner, callId)).body.data.status).toBe("done"), { timeout: 20_000, interval: 200 });
    expect(await mediaRequests(recordingSid)).toEqual(["GET mp3"]);
    expect((await fakeRequests(ctx.key))[0]!.body).toMatchObject({ file: { name: `${callId}.mp3` } });
    expect((await transcriptOf(ctx.owner, callId)).body.data.segments).toEqual([{ speaker: "speaker", start: 0, end: 2, text: "Please call me back.", sentiment: { label: "positive", score: expect.any(Number), model: "vader" } }]);
  });

  it("deletes the WAV when the transcript is skipped", async () => {
    const ctx = await setup("ctwavoff", { transcriptionEnabled: false });
    const { callId, recordingSid, channelsKey } = await twilioRecording(ctx);
    await vi.waitFor(
      async () => {
        expect((await transcriptOf(ctx.owner, callId)).body.data.status).toBe("skipped");
        expect(await env.FILES.head(channelsKey)).toBeNull();
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(await mediaRequests(recordingSid)).toEqual(["GET mp3", "GET wav"]);
    expect(await fakeRequests(ctx.key)).toEqual([]);
    // The recording itself stays for playback.
    expect(await env.FILES.head(`${ctx.owner.orgId}/recordings/${callId}.mp3`)).not.toBeNull();
  });

  it("deletes the WAV with the recording, before any transcript was written", async () => {
    const ctx = await setup("ctwavdel");
    const { callId, key, channelsKey, job } = await recordedCall(ctx, ctx.agent.userId, new TextEncoder().encode("ID3 an mp3"), "audio/mpeg", dualChannelCall());
    expect((await api(`/api/telephony/calls/${callId}/recording`, { method: "DELETE", token: ctx.owner.token })).status).toBe(200);
    expect(await env.FILES.head(key)).toBeNull();
    expect(await env.FILES.head(channelsKey)).toBeNull();
    // The job that was on its way finds no recording and sends nothing.
    expect((await runJobs(job)).explicitAcks).toEqual(["m0"]);
    expect(await fakeRequests(ctx.key)).toEqual([]);
    expect((await transcriptOf(ctx.owner, callId)).body.data).toMatchObject({ status: null, retryable: false });
  });

  it("transcribes the MP3 when the stored WAV is not two channels", async () => {
    const ctx = await setup("ctwavmono");
    const { callId, channelsKey, job } = await recordedCall(ctx, ctx.agent.userId, new TextEncoder().encode("ID3 an mp3"), "audio/mpeg", pcmWav([[{ from: 0, to: 1, hz: 440 }]], 1));
    await scriptFake(ctx.key, [{ transcript: { text: "Hi.", duration: 1, segments: [{ start: 0, end: 1, text: "Hi." }] } }]);
    expect((await runJobs(job)).explicitAcks).toEqual(["m0"]);
    expect((await fakeRequests(ctx.key))[0]!.body).toMatchObject({ file: { name: `${callId}.mp3`, type: "audio/mpeg" } });
    expect(await env.FILES.head(channelsKey)).toBeNull();
  });
});

describe("when nothing may be sent", () => {
  it("skips, sending nothing, when the organization turned transcription off; a retry after turning it on transcribes", async () => {
    const ctx = await setup("ctoff", { transcriptionEnabled: false });
    const { callId, job } = await recordedCall(ctx, ctx.agent.userId, dualChannelCall(), "audio/wav");
    await scriptFake(ctx.key, [customerSays, agentSays, summaryStep]);
    expect((await runJobs(job)).explicitAcks).toEqual(["m0"]);
    const skipped = (await transcriptOf(ctx.owner, callId)).body.data;
    expect(skipped).toMatchObject({ status: "skipped", segments: [], retryable: true });
    expect(skipped.error).toContain("turned off");
    expect(skipped.error).toContain("Settings → AI");
    expect(await fakeRequests(ctx.key)).toEqual([]);
    expect(await usageOf(ctx.owner.orgId)).toEqual([]);

    // A viewer may read it but not retry it; a retry while still off skips again.
    const viewer = await addMember(ctx.owner, "viewer", "ctoffv");
    expectError(await api(`/api/ai/calls/${callId}/transcript/retry`, { method: "POST", token: viewer.token }), 403, "forbidden");
    expect((await transcriptOf(ctx.owner, callId)).body.data.status).toBe("skipped");

    expect((await api("/api/ai/settings", { method: "PUT", token: ctx.owner.token, body: { transcriptionEnabled: true } })).status).toBe(200);
    const retry = await api(`/api/ai/calls/${callId}/transcript/retry`, { method: "POST", token: ctx.agent.token });
    expect(retry.status, JSON.stringify(retry.body)).toBe(202);
    expect(retry.body.data).toMatchObject({ status: "pending", error: null, retryable: false });
    await vi.waitFor(async () => expect((await transcriptOf(ctx.owner, callId)).body.data.status).toBe("done"), { timeout: 20_000, interval: 200 });
    expect(await fakeRequests(ctx.key)).toHaveLength(3);
    expectError(await api(`/api/ai/calls/${callId}/transcript/retry`, { method: "POST", token: ctx.agent.token }), 409, "conflict");
  });

  it("skips with what to set when no transcription model is configured", async () => {
    const ctx = await setup("ctnone", null);
    const { callId, job } = await recordedCall(ctx, ctx.agent.userId, dualChannelCall(), "audio/wav");
    await runJobs(job);
    const skipped = (await transcriptOf(ctx.owner, callId)).body.data;
    expect(skipped.status).toBe("skipped");
    expect(skipped.error).toContain("No transcription model is set up");
    expect(skipped.error).toContain("OPENAI_API_KEY");
    expect(await usageOf(ctx.owner.orgId)).toEqual([]);
  });

  it("skips when the month's audio budget is spent", async () => {
    const ctx = await setup("ctbudget", { monthlyAudioSecondsBudget: 0 });
    const { callId, job } = await recordedCall(ctx, ctx.agent.userId, dualChannelCall(), "audio/wav");
    await runJobs(job);
    const skipped = (await transcriptOf(ctx.owner, callId)).body.data;
    expect(skipped.status).toBe("skipped");
    expect(skipped.error).toContain("monthly AI budget for audio is spent");
    expect(await fakeRequests(ctx.key)).toEqual([]);
  });
});

describe("failures", () => {
  it("records a refused request as failed without retrying it", async () => {
    const ctx = await setup("ctrefused");
    const { callId, job } = await recordedCall(ctx, ctx.agent.userId, dualChannelCall(), "audio/wav");
    await scriptFake(ctx.key, [{ error: { status: 400, message: "Invalid file format." } }]);
    const result = await runJobs(job);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(result.retryMessages).toEqual([]);
    const failed = (await transcriptOf(ctx.owner, callId)).body.data;
    expect(failed).toMatchObject({ status: "failed", retryable: true, provider: "openai", model: "fake-whisper-1" });
    expect(failed.error).toContain("400");
    expect(failed.error).toContain("Invalid file format.");
    expect(await fakeRequests(ctx.key)).toHaveLength(1);
  });

  it("hands a provider outage back to the queue with the WAV kept, and the redelivery finishes the job and drops it", async () => {
    const ctx = await setup("ctoutage");
    const { callId, channelsKey, job } = await recordedCall(ctx, ctx.agent.userId, new TextEncoder().encode("ID3 an mp3"), "audio/mpeg", dualChannelCall());
    // The SDK itself tries a 503 twice.
    await scriptFake(ctx.key, [{ error: { status: 503, message: "Overloaded" } }, { error: { status: 503, message: "Overloaded" } }]);
    const result = await runJobs(job);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["m0"]);
    expect((await transcriptOf(ctx.owner, callId)).body.data).toMatchObject({ status: "failed" });
    expect((await transcriptOf(ctx.owner, callId)).body.data.error).toContain("503");
    expect(await env.FILES.head(channelsKey)).not.toBeNull();

    await scriptFake(ctx.key, [customerSays, agentSays, summaryStep]);
    expect((await runJobs(job)).explicitAcks).toEqual(["m0"]);
    expect((await transcriptOf(ctx.owner, callId)).body.data).toMatchObject({ status: "done", summary: SUMMARY, error: null });
    expect((await fakeRequests(ctx.key)).slice(-3).map((r) => (r.body.file as { name?: string } | undefined)?.name)).toEqual([`${callId}-customer.wav`, `${callId}-agent.wav`, undefined]);
    expect(await env.FILES.head(channelsKey)).toBeNull();
  });

  it("drops the WAV when the provider refuses it for good", async () => {
    const ctx = await setup("ctwavrefused");
    const { callId, channelsKey, job } = await recordedCall(ctx, ctx.agent.userId, new TextEncoder().encode("ID3 an mp3"), "audio/mpeg", dualChannelCall());
    await scriptFake(ctx.key, [{ error: { status: 400, message: "Invalid file format." } }]);
    expect((await runJobs(job)).retryMessages).toEqual([]);
    expect((await transcriptOf(ctx.owner, callId)).body.data.status).toBe("failed");
    expect(await env.FILES.head(channelsKey)).toBeNull();
  });

  it("keeps a finished transcript when the summary fails, and says so", async () => {
    const ctx = await setup("ctnosummary");
    const { callId, job } = await recordedCall(ctx, ctx.agent.userId, dualChannelCall(), "audio/wav");
    await scriptFake(ctx.key, [customerSays, agentSays, { error: { status: 400, message: "Context too long" } }]);
    expect((await runJobs(job)).explicitAcks).toEqual(["m0"]);
    const done = (await transcriptOf(ctx.owner, callId)).body.data;
    expect(done).toMatchObject({ status: "done", summary: null, actionItems: [] });
    expect(done.segments).toHaveLength(3);
    expect(done.error).toContain("no summary was written");
  });
});

describe("who may see and change a transcript", () => {
  it("shows a call's transcript, search hits and summary event only to members who may see the call", async () => {
    const ctx = await setup("ctvis");
    await restrictToOwnRecords(ctx.owner);
    const colleague = await addMember(ctx.owner, "agent", "ctvisb");
    const { callId, job } = await recordedCall(ctx, ctx.agent.userId, dualChannelCall(), "audio/wav");
    await scriptFake(ctx.key, [customerSays, agentSays, summaryStep]);
    const [agentRoom, colleagueRoom] = [await roomOf(ctx.agent), await roomOf(colleague)];
    await runJobs(job);

    await until(() => agentRoom.events.some((e) => e.type === "ai_insight"), "the agent's ai_insight");
    // Give a wrongly addressed event the same time to arrive.
    await new Promise((r) => setTimeout(r, 300));
    expect(colleagueRoom.events.filter((e) => e.type === "ai_insight")).toEqual([]);
    agentRoom.close();
    colleagueRoom.close();

    expect((await transcriptOf(ctx.agent, callId)).body.data.status).toBe("done");
    expectError(await transcriptOf(colleague, callId), 404, "not_found");
    expect((await api("/api/telephony/calls?q=licences", { token: ctx.agent.token })).body.data.map((c: { id: string }) => c.id)).toEqual([callId]);
    expect((await api("/api/telephony/calls?q=licences", { token: colleague.token })).body.data).toEqual([]);
    const itemId = (await transcriptOf(ctx.agent, callId)).body.data.actionItems[0].id;
    expectError(await api(`/api/ai/calls/${callId}/transcript`, { method: "PATCH", token: colleague.token, body: { summary: "Mine now" } }), 404, "not_found");
    expectError(await api(`/api/ai/calls/${callId}/transcript/action-items/${itemId}/task`, { method: "POST", token: colleague.token }), 404, "not_found");

    const stranger = await registerAccount("ctvisx");
    expectError(await transcriptOf(stranger, callId), 404, "not_found");
    expectError(await api(`/api/ai/calls/${callId}/transcript`, { method: "PATCH", token: stranger.token, body: { summary: "Mine now" } }), 404, "not_found");
    expectError(await api(`/api/ai/calls/${callId}/transcript/action-items/${itemId}/task`, { method: "POST", token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/ai/calls/${callId}/transcript/retry`, { method: "POST", token: stranger.token }), 404, "not_found");
    expect((await api("/api/telephony/calls?q=licences", { token: stranger.token })).body.data).toEqual([]);

    const after = (await transcriptOf(ctx.agent, callId)).body.data;
    expect(after.summary).toBe(SUMMARY);
    expect(after.actionItems.every((i: { taskId?: string }) => i.taskId === undefined)).toBe(true);
  });

  it("turns an action item into one task linked to the call's contact, and keeps the link through edits", async () => {
    const ctx = await setup("cttask");
    const contact = await create("/api/contacts", ctx.owner.token, { firstName: "Dana", lastName: "Buyer", phone: CUSTOMER_NUMBER });
    const { callId, job } = await recordedCall(ctx, ctx.agent.userId, dualChannelCall(), "audio/wav");
    await scriptFake(ctx.key, [customerSays, agentSays, summaryStep]);
    await runJobs(job);
    const [first, second] = (await transcriptOf(ctx.agent, callId)).body.data.actionItems as { id: string; text: string }[];

    const viewer = await addMember(ctx.owner, "viewer", "cttaskv");
    expectError(await api(`/api/ai/calls/${callId}/transcript/action-items/${first!.id}/task`, { method: "POST", token: viewer.token }), 403, "forbidden");
    expectError(await api(`/api/ai/calls/${callId}/transcript`, { method: "PATCH", token: viewer.token, body: { summary: "Viewer's words" } }), 403, "forbidden");
    expect((await api(`/api/activities?contactId=${contact.id}&type=task`, { token: ctx.owner.token })).body.data).toEqual([]);

    const made = await api(`/api/ai/calls/${callId}/transcript/action-items/${first!.id}/task`, { method: "POST", token: ctx.agent.token });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.data.task).toMatchObject({ type: "task", subject: first!.text, contactId: contact.id, ownerId: ctx.agent.userId, doneAt: null });
    expect(made.body.data.item).toEqual({ ...first, taskId: made.body.data.task.id });
    const again = await api(`/api/ai/calls/${callId}/transcript/action-items/${first!.id}/task`, { method: "POST", token: ctx.owner.token });
    expectError(again, 409, "conflict");
    expect(again.body.error.details).toEqual({ taskId: made.body.data.task.id });
    const tasks = (await api(`/api/activities?contactId=${contact.id}&type=task`, { token: ctx.owner.token })).body.data;
    expect(tasks.map((t: { id: string }) => t.id)).toEqual([made.body.data.task.id]);
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE org_id = ? AND entity = 'activity' AND entity_id = ?").bind(ctx.owner.orgId, made.body.data.task.id).all();
    expect(audit.results).toEqual([{ action: "create" }]);
    expectError(await api(`/api/ai/calls/${callId}/transcript/action-items/nope/task`, { method: "POST", token: ctx.agent.token }), 404, "not_found");

    // Edits: the summary, the second item reworded, a new item; the first keeps its task.
    const edited = await api(`/api/ai/calls/${callId}/transcript`, {
      method: "PATCH",
      token: ctx.agent.token,
      body: { summary: "  Dana needs the quote.  ", actionItems: [{ id: first!.id, text: first!.text }, { id: second!.id, text: "Book a call for Monday" }, { text: "Send the case study" }] },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.data.summary).toBe("Dana needs the quote.");
    expect(edited.body.data.actionItems).toEqual([
      { id: first!.id, text: first!.text, taskId: made.body.data.task.id },
      { id: second!.id, text: "Book a call for Monday" },
      { id: expect.any(String), text: "Send the case study" },
    ]);
    expectError(
      await api(`/api/ai/calls/${callId}/transcript`, { method: "PATCH", token: ctx.agent.token, body: { actionItems: [{ id: "made-up", text: "x" }] } }),
      400,
      "validation_error",
    );
    expectError(await api(`/api/ai/calls/${callId}/transcript`, { method: "PATCH", token: ctx.agent.token, body: {} }), 400, "validation_error");
    expect((await transcriptOf(ctx.agent, callId)).body.data).toEqual(edited.body.data);
    const edits = await env.DB.prepare("SELECT actor_id FROM audit_log WHERE org_id = ? AND action = 'transcript.update' AND entity_id = ?").bind(ctx.owner.orgId, callId).all();
    expect(edits.results).toEqual([{ actor_id: ctx.agent.userId }]);
  });

  it("answers a call never transcribed with status null, and refuses drafts edits until one is done", async () => {
    const ctx = await setup("ctnull");
    const { callId } = await recordedCall(ctx, ctx.agent.userId, dualChannelCall(), "audio/wav");
    const none = await transcriptOf(ctx.owner, callId);
    expect(none.status).toBe(200);
    expect(none.body.data).toMatchObject({ callId, status: null, segments: [], summary: null, actionItems: [], retryable: true });
    expectError(await api(`/api/ai/calls/${callId}/transcript`, { method: "PATCH", token: ctx.owner.token, body: { summary: "Early" } }), 409, "conflict");
    expectError(await transcriptOf(ctx.owner, "no-such-call"), 404, "not_found");
  });
});
