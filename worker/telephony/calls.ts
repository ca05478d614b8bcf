/**
 * The call core: every provider integration (Twilio status callbacks, ARI
 * channel events, 3CX journaling) reports what happened to a call through
 * ONE function, `applyCallEvent`, after mapping its own vocabulary to ours.
 *
 *   applyCallEvent(env: {DB, ORG_ROOM}, orgId, event: CallEvent): Promise<ApplyResult>
 *
 * CallEvent:
 * - providerId: a telephony_providers.id of `orgId` (else 404 not_found).
 * - providerCallId: the provider's call id (Twilio CallSid, ARI channel id,
 *   3CX call id). (providerId, providerCallId) identifies the call; the first
 *   event for it creates the row.
 * - status: one of CALL_EVENT_STATUSES (call-state.ts): initiated, queued,
 *   ringing, in_progress (answered), on_hold, resumed, transferred, completed,
 *   busy, no_answer, failed, canceled, recording. "completed" means the call
 *   ended normally; whether it was answered is decided by `answeredAt`, i.e.
 *   by an in_progress event having been seen (send one before completed if
 *   your provider reports answers only in the final callback).
 * - at: epoch ms when it happened AT THE PROVIDER (not when we received it).
 *   All timings come from these times, so delivery order does not matter.
 * - eventId (optional): unique per provider event (Twilio: CallSid +
 *   CallStatus + SequenceNumber; ARI: event type + timestamp). Defaults to
 *   `${status}:${at}`. The same eventId twice is applied once.
 * - direction, from, to: give them on every event you can; they are used
 *   when the event creates the call (direction defaults to "inbound"). Numbers
 *   are normalized to E.164 in the organization's default country; extensions,
 *   "client:..." and SIP URIs are kept as given.
 * - agentUserId, queueId (optional): the member handling the call and the
 *   queue it came through; must belong to the organization (else 400).
 *   The latest event naming them wins. null clears.
 * - recording (optional, with status "recording" or any other): R2 key,
 *   provider recording id, duration.
 * - data (optional): extra provider details stored on the timeline row.
 *
 * Effects, exactly once per call or per event:
 * - first sight: numbers normalized, caller matched to a contact / lead /
 *   open deal by phone, `call_started` published.
 * - each new event: a call_activities row (the timeline), the call's status,
 *   timings and durations updated; `call_updated` published (or
 *   `call_ended` when the call reaches a final status), `queue_updated`
 *   when a queued call's waiting state changes.
 * - timings: startedAt = earliest event, ringingAt = first ringing,
 *   answeredAt = first in_progress, endedAt = the first final status; hold
 *   time from every on_hold / resumed pair in time order. ringSeconds (the
 *   wait) = answer (or end) − start; talkSeconds = end − answer − hold;
 *   durationSeconds = end − start.
 * - the end: durations computed, a `call` activity written on the matched
 *   contact / lead / deal timelines (activities table; calls.activity_id).
 * - agent availability (worker/agents/agent-status.ts): ringing or answered with
 *   an agent → busy; ended after an answer → wrap_up; ended unanswered →
 *   back to available if the system had made them busy. A queue call given
 *   to a new agent moves the queue's round-robin cursor to them.
 * - room events go to everyone, or, when the organization restricts agents
 *   to their own records, to members with records:read_all plus the agent.
 *
 * Errors (AppError): not_found (provider not in org), validation_error (bad
 * status / at / providerCallId, foreign agent or queue), conflict (the call
 * kept changing under 6 attempts; retry). Integrations answer their vendor
 * 2xx only once this resolved, so the vendor retries otherwise.
 *
 * ApplyResult: { call (API view), applied (false for a duplicate event),
 * created, ended (this event ended the call) }.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Env } from "../platform/env";
import { orgDb, type Db } from "../platform/db";
import { conflict, invalid } from "../platform/errors";
import { newId } from "../platform/ids";
import { activities, callActivities, callQueues, calls, contacts, memberships, type CallDirection } from "../../schema";
import { defaultCountryOf } from "../platform/records";
import { requireProvider } from "./providers/providers";
import { callNumber, matchCaller, partyNames, type CallParty } from "./call-matching";
import { CALL_EVENT_STATUSES, isFinal, nextState, TIMELINE_TYPE, type CallEventEffects, type CallEventStatus, type HoldMark } from "./call-state";
import type { CallRow } from "../../schema";
import type { CallView } from "../../schema";
import { callView } from "./call-view";
import { afterCallChange } from "./call-effects";
import { publishCallChange } from "./call-domain-events";

export type CallEnv = Pick<Env, "DB" | "ORG_ROOM" | "JOBS">;

export interface CallEvent extends CallEventEffects {
  providerId: string;
  providerCallId: string;
  eventId?: string;
  status: CallEventStatus;
  at: number;
  direction?: CallDirection;
  from?: string | null;
  to?: string | null;
  data?: Record<string, unknown>;
}

export interface ApplyResult {
  call: CallView;
  applied: boolean;
  created: boolean;
  ended: boolean;
}

const MAX_ATTEMPTS = 6;

const findCall = (db: Db, orgId: string, providerId: string, providerCallId: string) =>
  db
    .select()
    .from(calls)
    .where(and(eq(calls.orgId, orgId), eq(calls.providerId, providerId), eq(calls.providerCallId, providerCallId)))
    .get();

async function assertRefs(db: Db, orgId: string, event: CallEvent) {
  if (!(CALL_EVENT_STATUSES as readonly string[]).includes(event.status)) throw invalid({ status: [`Use one of ${CALL_EVENT_STATUSES.join(", ")}`] });
  if (!Number.isFinite(event.at) || event.at <= 0) throw invalid({ at: ["Epoch milliseconds"] });
  if (!event.providerCallId || event.providerCallId.length > 200) throw invalid({ providerCallId: ["1-200 characters"] });
  if (event.agentUserId) {
    const m = await db.select({ userId: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, event.agentUserId))).get();
    if (!m) throw invalid({ agentUserId: ["Not a member of this organization"] });
  }
  if (event.queueId) {
    const q = await db.select({ id: callQueues.id }).from(callQueues).where(and(eq(callQueues.orgId, orgId), eq(callQueues.id, event.queueId))).get();
    if (!q) throw invalid({ queueId: ["No such queue in this organization"] });
  }
}

/** Inserts the call on first sight; a concurrent first event makes this a no-op. */
async function createCall(db: Db, orgId: string, event: CallEvent): Promise<CallParty | null> {
  const country = await defaultCountryOf(db, orgId);
  const direction = event.direction ?? "inbound";
  const from = callNumber(event.from, country);
  const to = callNumber(event.to, country);
  const party = await matchCaller(db, orgId, direction === "outbound" ? to : direction === "inbound" ? from : "");
  const now = Date.now();
  const inserted = await db
    .insert(calls)
    .values({
      id: newId(),
      orgId,
      providerId: event.providerId,
      providerCallId: event.providerCallId,
      direction,
      fromNumber: from,
      toNumber: to,
      status: "initiated",
      contactId: party.contactId,
      leadId: party.leadId,
      dealId: party.dealId,
      startedAt: event.at,
      lastEventAt: event.at,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: calls.id });
  return inserted.length ? party : null;
}

async function contactCompany(db: Db, orgId: string, contactId: string) {
  const row = await db.select({ companyId: contacts.companyId }).from(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, contactId))).get();
  return row?.companyId ?? null;
}

function callSubject(call: CallRow): string {
  const answered = call.answeredAt !== null;
  if (call.direction === "outbound") return `${answered ? "Outbound call" : "Unanswered outbound call"} to ${call.toNumber || "unknown number"}`;
  return `${answered ? "Inbound call" : "Missed call"} from ${call.fromNumber || "unknown number"}`;
}

const clock = (s: number) => `${Math.floor(s / 60)}m ${s % 60}s`;

/** The `call` activity for the matched records' timelines, written only if the guarded end update took effect. */
function timelineActivity(db: Db, orgId: string, call: CallRow, activityId: string, companyId: string | null) {
  const body = [
    `Status: ${call.status.replace("_", " ")}`,
    `Duration: ${clock(call.durationSeconds)} (talk ${clock(call.talkSeconds)}, wait ${clock(call.ringSeconds)}${call.holdSeconds ? `, hold ${clock(call.holdSeconds)}` : ""})`,
  ].join("\n");
  const at = call.endedAt ?? Date.now();
  return db.insert(activities).select(
    sql`SELECT ${activityId}, ${orgId}, ${call.agentUserId}, '[]', ${call.agentUserId}, ${call.agentUserId}, ${at}, ${at},
      'call', ${callSubject(call)}, ${body}, NULL, ${at}, ${call.dealId}, ${call.contactId}, ${call.leadId}, ${companyId}
      WHERE changes() > 0`,
  );
}

export async function applyCallEvent(env: CallEnv, orgId: string, event: CallEvent): Promise<ApplyResult> {
  const db = orgDb(env, orgId);
  await requireProvider(db, orgId, event.providerId);
  await assertRefs(db, orgId, event);
  const eventId = event.eventId ?? `${event.status}:${event.at}`;
  let createdParty: CallParty | null = null;

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    let call = await findCall(db, orgId, event.providerId, event.providerCallId);
    if (!call) {
      createdParty = (await createCall(db, orgId, event)) ?? createdParty;
      call = await findCall(db, orgId, event.providerId, event.providerCallId);
      if (!call) throw new Error("call vanished after insert");
    }
    const seen = await db
      .select({ id: callActivities.id })
      .from(callActivities)
      .where(and(eq(callActivities.callId, call.id), eq(callActivities.eventId, eventId)))
      .get();
    if (seen) return { call: callView(call), applied: false, created: false, ended: false };

    const holds: HoldMark[] = await db
      .select({ type: callActivities.type, at: callActivities.at })
      .from(callActivities)
      .where(and(eq(callActivities.callId, call.id), inArray(callActivities.type, ["hold", "unhold"])))
      .then((rows) => rows as HoldMark[]);
    if (event.status === "on_hold" || event.status === "resumed") holds.push({ type: event.status === "on_hold" ? "hold" : "unhold", at: event.at });
    const now = Date.now();
    const next = nextState(call, event.status, event.at, event, now, holds);
    const after: CallRow = { ...call, ...next.values, version: call.version + 1 };
    const activityId = next.ended && (after.contactId || after.leadId || after.dealId) ? newId() : null;
    if (activityId) after.activityId = activityId;
    const companyId = activityId && after.contactId ? await contactCompany(db, orgId, after.contactId) : null;
    const timeline = {
      id: newId(),
      orgId,
      callId: call.id,
      type: TIMELINE_TYPE[event.status],
      at: event.at,
      eventId,
      actorId: null,
      data: { status: event.status, ...(event.data ?? {}) },
      createdAt: now,
    };
    const [updated] = await db.batch([
      db
        .update(calls)
        .set({ ...next.values, activityId: after.activityId, version: sql`${calls.version} + 1` })
        .where(
          and(
            eq(calls.id, call.id),
            eq(calls.version, call.version),
            sql`NOT EXISTS (SELECT 1 FROM ${callActivities} WHERE ${callActivities.callId} = ${call.id} AND ${callActivities.eventId} = ${eventId})`,
          ),
        )
        .returning({ id: calls.id }),
      db.insert(callActivities).select(
        sql`SELECT ${timeline.id}, ${orgId}, ${call.id}, ${timeline.type}, ${timeline.at}, ${eventId}, NULL, ${JSON.stringify(timeline.data)}, ${now} WHERE changes() > 0`,
      ),
      ...(activityId ? [timelineActivity(db, orgId, after, activityId, companyId)] : []),
    ]);
    // Another delivery changed the call first: read it again (and detect a duplicate).
    if (updated.length === 0) continue;

    const created = createdParty !== null;
    await afterCallChange(env, db, orgId, { before: call, after, created, ended: next.ended, statusChanged: next.statusChanged, event });
    await publishCallChange(env, db, orgId, { before: call, after, created, ended: next.ended });
    const names = await partyNames(db, orgId, [after]);
    return { call: callView(after, names), applied: true, created, ended: next.ended };
  }
  throw conflict("The call is changing too fast; retry the event");
}

export { isFinal };
