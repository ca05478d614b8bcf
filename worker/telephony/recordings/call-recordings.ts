import { and, eq, inArray } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { enqueue, type Job, type JobHandler } from "../../platform/job-queue";
import { orgDb, type Db } from "../../platform/db";
import { notFound } from "../../platform/errors";
import { callActivities, callTranscripts } from "../../../schema";
import { CALL_TRANSCRIPT_JOB, type CallTranscriptJob } from "../../../schema/jobs";
import { auditStatement } from "../../platform/audit-writer";
import type { Actor } from "../../platform/records";
import { applyCallEvent } from "../calls";
import { requireCall } from "../call-queries";
import { providerForWebhook } from "../providers/providers";
import { deleteRecording, fetchRecordingMedia, twilioAccount, type TwilioAccount } from "../twilio/twilio-rest";
import type { TwilioPublicConfig } from "../twilio/twilio-webhook";

/**
 * Call recordings live in R2 under `<orgId>/recordings/<callId>.mp3` and are
 * only served through the authorized playback route. Twilio's copy is
 * deleted right after copying when the provider says
 * `deleteRecordingsAtProvider`, or later on request. Beside the MP3, the
 * transcriber gets Twilio's dual-channel WAV for a while (one channel per
 * party, so a transcript knows who spoke); it deletes that copy when done.
 */

export const RECORDING_JOB = "telephony.recording.copy";

export const recordingKey = (orgId: string, callId: string) => `${orgId}/recordings/${callId}.mp3`;

/** The transient dual-channel WAV of the call's recording, for the transcriber only (never played). */
export const recordingChannelsKey = (orgId: string, callId: string) => `${orgId}/recordings/${callId}.channels.wav`;

/**
 * The largest dual-channel WAV copied for the transcriber. Each party's half
 * is uploaded alone and must fit OpenAI's 25 MB limit, and the transcription
 * job holds the stereo file and a half in a Worker's 128 MB: 40 MiB is about
 * 21 minutes of Twilio's 8 kHz 16-bit stereo. A longer call is transcribed
 * from its MP3, as one speaker.
 */
export const MAX_CHANNELS_WAV_BYTES = 40 * 1024 * 1024;

interface RecordingJob extends Job {
  orgId: string;
  providerId: string;
  callId: string;
  providerCallId: string;
  recordingSid: string;
}

async function hasEvent(db: Db, callId: string, eventId: string) {
  const row = await db.select({ id: callActivities.id }).from(callActivities).where(and(eq(callActivities.callId, callId), eq(callActivities.eventId, eventId))).get();
  return !!row;
}

/** What the call's timeline says of this recording: whether a run of this job stored it already, and Twilio's channel count. */
async function recordingNotes(db: Db, callId: string, recordingSid: string) {
  const [completed, stored] = [`${recordingSid}:completed`, `${recordingSid}:stored`];
  const rows = await db
    .select({ eventId: callActivities.eventId, data: callActivities.data })
    .from(callActivities)
    .where(and(eq(callActivities.callId, callId), inArray(callActivities.eventId, [completed, stored])));
  const channels = rows.find((r) => r.eventId === completed)?.data.channels;
  return { stored: rows.some((r) => r.eventId === stored), channels: channels == null ? null : String(channels) };
}

/**
 * Copies Twilio's dual-channel WAV into R2 when Twilio's content-length says
 * it fits; answers its key, or null. Without it the MP3 is transcribed as
 * one speaker, so a WAV that cannot be had is logged rather than thrown: it
 * must not keep the recording itself from the call.
 */
async function copyChannels(env: Env, account: TwilioAccount, job: RecordingJob, key: string): Promise<string | null> {
  try {
    const media = await fetchRecordingMedia(account, job.recordingSid, "wav");
    const length = Number(media.headers.get("content-length") ?? Number.NaN);
    if (!media.body || !Number.isSafeInteger(length) || length <= 0 || length > MAX_CHANNELS_WAV_BYTES) {
      await media.body?.cancel();
      return null;
    }
    // Streamed into R2 (a known length is all it asks), so the Worker never holds the whole file.
    await env.FILES.put(key, media.body.pipeThrough(new FixedLengthStream(length)), {
      httpMetadata: { contentType: "audio/wav" },
      customMetadata: { recordingSid: job.recordingSid, callId: job.callId },
    });
    return key;
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "recording WAV not copied; the MP3 is transcribed as one speaker", orgId: job.orgId, callId: job.callId, err: String(err) }));
    return null;
  }
}

/** Copies one Twilio recording into R2 and notes it on the call; safe to run twice. */
export async function copyRecording(env: Env, job: RecordingJob): Promise<void> {
  const db = orgDb(env, job.orgId);
  const provider = await providerForWebhook(db, job.providerId);
  // The provider (or its organization) is gone: nothing to copy into.
  if (!provider || provider.orgId !== job.orgId || provider.type !== "twilio") return;
  const account = await twilioAccount(env, provider);
  const key = recordingKey(job.orgId, job.callId);
  const notes = await recordingNotes(db, job.callId, job.recordingSid);
  if (!(await env.FILES.head(key))) {
    const media = await fetchRecordingMedia(account, job.recordingSid, "mp3");
    // R2 needs a known length; recordings are a few MB.
    await env.FILES.put(key, await media.arrayBuffer(), {
      httpMetadata: { contentType: "audio/mpeg" },
      customMetadata: { recordingSid: job.recordingSid, callId: job.callId },
    });
  }
  // Once stored, a missing WAV was used up by the transcriber (or deleted with the recording): not fetched again. A mono recording has no parties to tell apart.
  const channels = recordingChannelsKey(job.orgId, job.callId);
  const channelsKey = (await env.FILES.head(channels)) ? channels : notes.stored || notes.channels === "1" ? null : await copyChannels(env, account, job, channels);
  const base = { providerId: provider.id, providerCallId: job.providerCallId, status: "recording" as const, at: Date.now() };
  await applyCallEvent(env, job.orgId, { ...base, eventId: `${job.recordingSid}:stored`, recording: { key, providerRecordingId: job.recordingSid }, data: { stored: true } });
  // Transcription (worker/ai) decides for itself whether to run; its job is idempotent, so a second copy run sends it again safely.
  const transcript: CallTranscriptJob = { type: CALL_TRANSCRIPT_JOB, orgId: job.orgId, callId: job.callId, recordingKey: key, ...(channelsKey ? { channelsKey } : {}) };
  await enqueue(env, transcript);
  const deletedId = `${job.recordingSid}:deleted-at-provider`;
  if ((provider.publicConfig as TwilioPublicConfig).deleteRecordingsAtProvider && !(await hasEvent(db, job.callId, deletedId))) {
    await deleteRecording(account, job.recordingSid);
    await applyCallEvent(env, job.orgId, { ...base, eventId: deletedId, data: { deletedAtProvider: true } });
  }
}

export const recordingJob: JobHandler = (env, job) => copyRecording(env, job as RecordingJob);

/** The call's recording from R2 (a byte range when asked), if the caller may see the call. */
export async function openRecording(env: Pick<Env, "FILES">, db: Db, orgId: string, actor: Actor, callId: string, range?: Headers) {
  const call = await requireCall(db, orgId, actor, callId);
  if (!call.recordingKey) throw notFound("Recording");
  const object = await env.FILES.get(call.recordingKey, range?.has("range") ? { range } : undefined);
  if (!object) throw notFound("Recording");
  return { call, object };
}

/**
 * Deletes the app's copy; with `atProvider`, Twilio's original too (Twilio's
 * DELETE /Recordings/{sid}.json). The call keeps a timeline entry.
 */
export async function removeRecording(env: Env, db: Db, orgId: string, actor: Actor, callId: string, atProvider: boolean) {
  const call = await requireCall(db, orgId, actor, callId);
  if (!call.recordingKey && !call.recordingProviderId) throw notFound("Recording");
  if (atProvider && call.recordingProviderId) {
    const provider = await providerForWebhook(db, call.providerId);
    if (!provider || provider.orgId !== orgId || provider.type !== "twilio") throw notFound("Twilio provider");
    await deleteRecording(await twilioAccount(env, provider), call.recordingProviderId);
  }
  if (call.recordingKey) await env.FILES.delete(call.recordingKey);
  // The transcriber's WAV, if a transcript was still to be written.
  await env.FILES.delete(recordingChannelsKey(orgId, callId));
  // The transcript holds the recording's words: it goes with it.
  await db.delete(callTranscripts).where(and(eq(callTranscripts.orgId, orgId), eq(callTranscripts.callId, callId)));
  const at = Date.now();
  await applyCallEvent(env, orgId, {
    providerId: call.providerId,
    providerCallId: call.providerCallId,
    status: "recording",
    at,
    eventId: `recording-deleted:${at}`,
    recording: { key: null, ...(atProvider ? { providerRecordingId: null } : {}) },
    data: { deleted: true, atProvider, by: actor.userId },
  });
  await auditStatement(db, orgId, { actorId: actor.userId, action: "recording.delete", entity: "call", entityId: callId, changes: { atProvider }, requestId: actor.requestId });
}
