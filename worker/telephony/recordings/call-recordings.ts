import { and, eq } from "drizzle-orm";
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
import { deleteRecording, fetchRecordingMedia, twilioAccount } from "../twilio/twilio-rest";
import type { TwilioPublicConfig } from "../twilio/twilio-webhook";

/**
 * Call recordings live in R2 under `<orgId>/recordings/<callId>.mp3` and are
 * only served through the authorized playback route. Twilio's copy is
 * deleted right after copying when the provider says
 * `deleteRecordingsAtProvider`, or later on request.
 */

export const RECORDING_JOB = "telephony.recording.copy";

export const recordingKey = (orgId: string, callId: string) => `${orgId}/recordings/${callId}.mp3`;

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

/** Copies one Twilio recording into R2 and notes it on the call; safe to run twice. */
export async function copyRecording(env: Env, job: RecordingJob): Promise<void> {
  const provider = await providerForWebhook(orgDb(env, job.orgId), job.providerId);
  // The provider (or its organization) is gone: nothing to copy into.
  if (!provider || provider.orgId !== job.orgId || provider.type !== "twilio") return;
  const account = await twilioAccount(env, provider);
  const key = recordingKey(job.orgId, job.callId);
  if (!(await env.FILES.head(key))) {
    const media = await fetchRecordingMedia(account, job.recordingSid, "mp3");
    // R2 needs a known length; recordings are a few MB.
    await env.FILES.put(key, await media.arrayBuffer(), {
      httpMetadata: { contentType: "audio/mpeg" },
      customMetadata: { recordingSid: job.recordingSid, callId: job.callId },
    });
  }
  const base = { providerId: provider.id, providerCallId: job.providerCallId, status: "recording" as const, at: Date.now() };
  await applyCallEvent(env, job.orgId, { ...base, eventId: `${job.recordingSid}:stored`, recording: { key, providerRecordingId: job.recordingSid }, data: { stored: true } });
  // Transcription (worker/ai) decides for itself whether to run; its job is idempotent, so a second copy run sends it again safely.
  await enqueue(env, { type: CALL_TRANSCRIPT_JOB, orgId: job.orgId, callId: job.callId, recordingKey: key } satisfies CallTranscriptJob);
  const deletedId = `${job.recordingSid}:deleted-at-provider`;
  if ((provider.publicConfig as TwilioPublicConfig).deleteRecordingsAtProvider && !(await hasEvent(orgDb(env, job.orgId), job.callId, deletedId))) {
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
