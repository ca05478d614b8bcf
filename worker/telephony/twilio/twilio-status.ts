import { and, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { calls } from "../../../schema";
import { enqueue } from "../../platform/job-queue";
import { applyCallEvent, type CallEvent } from "../calls";
import type { CallEventStatus } from "../call-state";
import { eventTime, userForIdentity, type TwilioRequest } from "./twilio-webhook";
import { RECORDING_JOB } from "../recordings/call-recordings";

/**
 * Twilio status callbacks → `applyCallEvent`. ONE call record per customer
 * call, keyed on the PARENT CallSid (the caller's leg inbound; the agent's
 * leg for browser and click-to-call outbound calls). Child legs report with
 * `?leg=` in their callback URL and are folded into the parent's record:
 * - parent leg: initiated/queued → initiated, ringing → ringing, finals →
 *   the end. Its `in-progress` is NOT the answer (Twilio answers an inbound
 *   call as soon as our TwiML runs; a click-to-call parent is the agent).
 * - `leg=agent` (a queue offer to an agent's browser): `in-progress` is the
 *   answer and names the agent; its end is not the call's end (the caller
 *   may still be in the queue, or the parent ends it).
 * - `leg=callee` (the customer or colleague an agent dialled): ringing,
 *   `in-progress` (the answer) and its final status end the call.
 * A child `completed` with CallDuration > 0 also implies its answer (same
 * event id as the `in-progress` callback, so applied once), so a lost or
 * late answered callback still yields correct talk time. Event ids are
 * `<leg CallSid>:<CallStatus>` (a leg passes each status once): Twilio's
 * retries are applied once and order does not matter (calls.ts).
 * An answered OUTBOUND call ends with the customer's (callee) leg only: once
 * held or transferred, that leg has left the agent's `<Dial>` and lives on
 * while the agent's parent leg ends. Legs dialled for such a moved customer
 * leg are children of IT, not of the record's call, so their callback URLs
 * name the record's CallSid (`call=`, signed like the rest of the URL).
 */

const FINAL: Record<string, CallEventStatus> = {
  completed: "completed",
  busy: "busy",
  "no-answer": "no_answer",
  failed: "failed",
  canceled: "canceled",
};

type Leg = "parent" | "agent" | "callee";

function directionOf(p: Record<string, string>): CallEvent["direction"] {
  const from = (p.From ?? "").toLowerCase();
  const to = (p.To ?? "").toLowerCase();
  if (from.startsWith("client:")) return to.startsWith("client:") ? "internal" : "outbound";
  return p.Direction === "inbound" ? "inbound" : "outbound";
}

/** Whether the record is an answered outbound call, whose end only its customer's leg reports. */
async function customerLegDecides(db: Db, req: TwilioRequest, providerCallId: string) {
  const row = await db
    .select({ direction: calls.direction, answeredAt: calls.answeredAt })
    .from(calls)
    .where(and(eq(calls.orgId, req.provider.orgId), eq(calls.providerId, req.provider.id), eq(calls.providerCallId, providerCallId)))
    .get();
  return row?.direction === "outbound" && row.answeredAt !== null;
}

/** The events one status callback stands for, in time order; `recordSid` names the record's call when given (`call=`). */
export async function statusEvents(db: Db, req: TwilioRequest, leg: Leg, dialed?: string, recordSid?: string): Promise<CallEvent[]> {
  const p = req.params;
  const status = p.CallStatus ?? "";
  const legSid = p.CallSid ?? "";
  const parentSid = recordSid || (leg === "parent" ? legSid : (p.ParentCallSid ?? ""));
  if (!legSid || !parentSid) return [];
  const at = eventTime(p);
  const base = { providerId: req.provider.id, providerCallId: parentSid, at, data: { twilioStatus: status, legSid, leg } };
  const id = (s: string) => `${legSid}:${s}`;

  if (leg === "parent") {
    // A click-to-call's parent rings the agent; the customer's number rides in the callback URL (`dial`).
    const created = dialed ? { direction: "outbound" as const, from: p.From, to: dialed } : { direction: directionOf(p), from: p.From, to: p.To };
    if (status === "queued" || status === "initiated") return [{ ...base, ...created, status: "initiated", eventId: id(status) }];
    if (status === "ringing") return [{ ...base, ...created, status: "ringing", eventId: id(status) }];
    if (!FINAL[status]) return [];
    if (await customerLegDecides(db, req, parentSid)) return [];
    return [{ ...base, ...created, status: FINAL[status]!, eventId: id(status) }];
  }

  const agentUserId = leg === "agent" ? await userForIdentity(db, req.provider.orgId, req.provider.id, p.To ?? "") : undefined;
  const answer = (answeredAt: number): CallEvent => ({ ...base, at: answeredAt, status: "in_progress", eventId: id("in-progress"), ...(agentUserId ? { agentUserId } : {}) });
  if (status === "in-progress" || status === "answered") return [answer(at)];
  if (leg === "callee" && status === "ringing") return [{ ...base, status: "ringing", eventId: id(status) }];
  if (!FINAL[status]) return [];
  const events: CallEvent[] = [];
  const duration = Number(p.CallDuration ?? p.DialCallDuration ?? 0);
  if (status === "completed" && duration > 0) events.push(answer(at - duration * 1000));
  if (leg === "callee") events.push({ ...base, status: FINAL[status]!, eventId: id(status) });
  return events;
}

export async function applyStatusCallback(env: Env, db: Db, req: TwilioRequest, leg: Leg, dialed?: string, recordSid?: string) {
  for (const event of await statusEvents(db, req, leg, dialed, recordSid)) await applyCallEvent(env, req.provider.orgId, event);
}

/**
 * RecordingStatus=completed → the call notes the recording (Twilio's id and
 * duration) and a job copies the media into R2. The job is idempotent, so a
 * retried callback may enqueue it again.
 */
export async function applyRecordingCallback(env: Env, req: TwilioRequest, kind: string, recordSid?: string) {
  const p = req.params;
  if (p.RecordingStatus !== "completed" || !p.RecordingSid || !p.CallSid) return;
  const callSid = recordSid || p.CallSid;
  const duration = Number(p.RecordingDuration);
  const { call } = await applyCallEvent(env, req.provider.orgId, {
    providerId: req.provider.id,
    providerCallId: callSid,
    status: "recording",
    at: eventTime(p),
    eventId: `${p.RecordingSid}:completed`,
    recording: { providerRecordingId: p.RecordingSid, durationSeconds: Number.isFinite(duration) ? duration : null },
    data: { recordingSid: p.RecordingSid, kind, channels: p.RecordingChannels ?? null },
  });
  await enqueue(env, { type: RECORDING_JOB, orgId: req.provider.orgId, providerId: req.provider.id, callId: call.id, providerCallId: callSid, recordingSid: p.RecordingSid });
}
