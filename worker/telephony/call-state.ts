import { FINAL_CALL_STATUSES, type CallActivityType, type CallStatus, type calls, type CallRow } from "../../schema";

/**
 * The call state machine, pure: a call row plus one normalized event in, the
 * new column values out. Order-independent by construction: every timing is
 * the event's own time (first ringing, first answer, end), the status only
 * moves forward (a late "ringing" never reopens a finished call), hold time
 * comes from the whole hold timeline sorted by time, and the durations are
 * recomputed from the timings each time.
 */


/** The statuses a provider integration reports, after its own mapping. */
export const CALL_EVENT_STATUSES = [
  "initiated",
  "queued",
  "ringing",
  "in_progress",
  "on_hold",
  "resumed",
  "transferred",
  "completed",
  "busy",
  "no_answer",
  "failed",
  "canceled",
  "recording",
] as const;
export type CallEventStatus = (typeof CALL_EVENT_STATUSES)[number];

export interface CallEventEffects {
  agentUserId?: string | null;
  queueId?: string | null;
  recording?: { key?: string | null; providerRecordingId?: string | null; durationSeconds?: number | null };
}

export const isFinal = (status: CallStatus): boolean => (FINAL_CALL_STATUSES as readonly string[]).includes(status);

const RANK: Record<CallStatus, number> = {
  initiated: 0,
  queued: 1,
  ringing: 2,
  in_progress: 3,
  on_hold: 3,
  completed: 4,
  busy: 4,
  no_answer: 4,
  failed: 4,
  canceled: 4,
};

export const TIMELINE_TYPE: Record<CallEventStatus, CallActivityType> = {
  initiated: "initiated",
  queued: "queued",
  ringing: "ringing",
  in_progress: "answered",
  on_hold: "hold",
  resumed: "unhold",
  transferred: "transfer",
  completed: "ended",
  busy: "ended",
  no_answer: "ended",
  failed: "ended",
  canceled: "ended",
  recording: "recording",
};

const minOf = (a: number | null, b: number) => (a === null ? b : Math.min(a, b));
const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

type Timing = Pick<
  CallRow,
  "status" | "startedAt" | "ringingAt" | "answeredAt" | "endedAt" | "holdStartedAt" | "holdSeconds"
>;

/** Ring (wait), talk and total durations from the timings. Talk excludes hold. */
export function durationsOf(t: Timing) {
  const waitEnd = t.answeredAt ?? t.endedAt;
  const ringSeconds = waitEnd !== null ? seconds(waitEnd - t.startedAt) : 0;
  const talkSeconds = t.answeredAt !== null && t.endedAt !== null ? Math.max(0, seconds(t.endedAt - t.answeredAt) - t.holdSeconds) : 0;
  const durationSeconds = t.endedAt !== null ? seconds(t.endedAt - t.startedAt) : 0;
  return { ringSeconds, talkSeconds, durationSeconds };
}

export interface Transition {
  values: Partial<CallRow>;
  /** The status moved to a final one with this event (exactly once per call). */
  ended: boolean;
  statusChanged: boolean;
}

export interface HoldMark {
  type: "hold" | "unhold";
  at: number;
}

/**
 * Total hold and the open hold's start from every hold / unhold of the call
 * in time order, whatever order they arrived in; a hold still open when the
 * call ended counts until the end.
 */
export function holdOf(marks: readonly HoldMark[], endedAt: number | null): { seconds: number; openSince: number | null } {
  let total = 0;
  let open: number | null = null;
  for (const m of [...marks].sort((a, b) => a.at - b.at)) {
    if (m.type === "hold" && open === null) open = m.at;
    else if (m.type === "unhold" && open !== null) {
      total += m.at - open;
      open = null;
    }
  }
  if (open !== null && endedAt !== null) {
    total += Math.max(0, endedAt - open);
    open = null;
  }
  return { seconds: seconds(total), openSince: open };
}

/**
 * Applies one event at time `at` to `call`. `holds` is the call's hold
 * timeline including this event if it is one; `now` stamps updatedAt.
 */
export function nextState(call: CallRow, status: CallEventStatus, at: number, fx: CallEventEffects, now: number, holds: readonly HoldMark[]): Transition {
  const t: Timing & Pick<CallRow, "agentUserId" | "queueId"> = { ...call };
  const wasFinal = isFinal(call.status);
  const isLatest = at >= call.lastEventAt;
  t.startedAt = Math.min(t.startedAt, at);

  switch (status) {
    case "initiated":
    case "queued":
    case "ringing":
      if (status === "ringing") t.ringingAt = minOf(t.ringingAt, at);
      if (!wasFinal && RANK[status] > RANK[t.status]) t.status = status;
      break;
    case "in_progress":
      // A late answer after the end still tells when the call was answered, if it completed.
      if (!wasFinal || t.status === "completed") t.answeredAt = minOf(t.answeredAt, at);
      if (!wasFinal && RANK[t.status] < RANK.in_progress) t.status = "in_progress";
      break;
    case "on_hold":
    case "resumed":
      // Hold time is recomputed from the whole hold timeline below.
      break;
    case "transferred":
    case "recording":
      break;
    default:
      // A final status: the first one wins; a duplicate end with another status changes nothing.
      if (!wasFinal) {
        t.status = status;
        t.endedAt = at;
      }
  }

  const hold = holdOf(holds, t.endedAt);
  t.holdSeconds = hold.seconds;
  t.holdStartedAt = hold.openSince;
  if (!isFinal(t.status) && t.answeredAt !== null) t.status = hold.openSince !== null ? "on_hold" : "in_progress";

  // Who handles the call and which queue it waits in follow the latest event that names them.
  if (fx.agentUserId !== undefined && (isLatest || t.agentUserId === null)) t.agentUserId = fx.agentUserId;
  if (fx.queueId !== undefined && (isLatest || t.queueId === null)) t.queueId = fx.queueId;

  const ended = !wasFinal && isFinal(t.status);
  const durations = durationsOf(t);
  const values: Partial<CallRow> = {
    status: t.status,
    startedAt: t.startedAt,
    ringingAt: t.ringingAt,
    answeredAt: t.answeredAt,
    endedAt: t.endedAt,
    holdStartedAt: t.holdStartedAt,
    holdSeconds: t.holdSeconds,
    agentUserId: t.agentUserId,
    queueId: t.queueId,
    ringSeconds: durations.ringSeconds,
    talkSeconds: durations.talkSeconds,
    durationSeconds: durations.durationSeconds,
    lastEventAt: Math.max(call.lastEventAt, at),
    updatedAt: now,
  };
  if (fx.recording) {
    if (fx.recording.key !== undefined) values.recordingKey = fx.recording.key;
    if (fx.recording.providerRecordingId !== undefined) values.recordingProviderId = fx.recording.providerRecordingId;
    if (fx.recording.durationSeconds !== undefined) values.recordingSeconds = fx.recording.durationSeconds;
  }
  return { values, ended, statusChanged: t.status !== call.status };
}
