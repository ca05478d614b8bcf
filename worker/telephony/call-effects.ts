import { and, count, eq, inArray, isNull } from "drizzle-orm";
import type { Env } from "../platform/env";
import type { Db } from "../platform/db";
import { can } from "../platform/permissions";
import { activities, calls, memberships, organizations, type AgentStatus } from "../../schema";
import { publishActivityChanged } from "../crm";
import { publicRecord } from "../platform/records";
import { announceAgentStatus, getAgentState, setAgentStatus } from "../agents";
import { publishEvent } from "../platform/room-rpc";
import { partyNames } from "./call-matching";
import { isFinal, type CallEventStatus } from "./call-state";
import type { CallRow } from "../../schema";
import { callView } from "./call-view";
import { recordQueueAssignment } from "./queues/call-queues";

/**
 * What follows a committed call change: agent availability and the room
 * events. All of it is best effort: the call row is already right, and the
 * live board re-reads /api/telephony/live on reconnect.
 */

type RoomEnv = Pick<Env, "ORG_ROOM">;

/** Statuses in which a queued call is still waiting for an agent. */
const WAITING = ["initiated", "queued", "ringing"] as const;
const isWaiting = (c: CallRow) => c.queueId !== null && c.answeredAt === null && (WAITING as readonly string[]).includes(c.status);

async function bestEffort(what: string, orgId: string, run: () => Promise<unknown>) {
  try {
    await run();
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: `${what} failed`, orgId, err: String(err) }));
  }
}

/** Callers waiting in a queue now. */
export async function waitingCount(db: Db, orgId: string, queueId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(calls)
    .where(and(eq(calls.orgId, orgId), eq(calls.queueId, queueId), isNull(calls.answeredAt), inArray(calls.status, [...WAITING])));
  return row?.n ?? 0;
}

async function setAgent(env: RoomEnv, db: Db, orgId: string, userId: string, status: AgentStatus, at: number, onlyFrom?: AgentStatus) {
  if (onlyFrom) {
    const current = await getAgentState(db, orgId, userId);
    if (current.status !== onlyFrom || current.source !== "system") return;
  }
  const { state, changed } = await setAgentStatus(db, orgId, userId, { status, source: "system", actorId: null, at });
  if (changed) await announceAgentStatus(env, orgId, state);
}

/** The agent-status effect of one event, if any. */
async function agentEffect(env: RoomEnv, db: Db, orgId: string, before: CallRow, after: CallRow, ended: boolean, status: CallEventStatus) {
  const at = Date.now();
  if (ended && after.agentUserId) {
    if (after.answeredAt !== null) return setAgent(env, db, orgId, after.agentUserId, "wrap_up", at);
    return setAgent(env, db, orgId, after.agentUserId, "available", at, "busy");
  }
  if (isFinal(after.status)) return;
  // A transfer hands the call over: the previous agent wraps up.
  if (before.agentUserId && after.agentUserId !== before.agentUserId) {
    await setAgent(env, db, orgId, before.agentUserId, before.answeredAt !== null ? "wrap_up" : "available", at, before.answeredAt !== null ? undefined : "busy");
  }
  if (after.agentUserId && (status === "ringing" || status === "in_progress" || after.agentUserId !== before.agentUserId)) {
    await setAgent(env, db, orgId, after.agentUserId, "busy", at);
  }
  // The queue handed this call to a new agent: round robin continues after them.
  if (after.queueId && after.agentUserId && after.agentUserId !== before.agentUserId) {
    await recordQueueAssignment(db, orgId, after.queueId, after.agentUserId, at);
  }
}

export interface CallChange {
  before: CallRow;
  after: CallRow;
  created: boolean;
  ended: boolean;
  statusChanged: boolean;
  event: { status: CallEventStatus };
}

/**
 * Who may receive a call's events: everyone, or, when the organization
 * restricts agents to their own records, the members who see all records plus
 * the call's agent (the same rule as the call list).
 */
export async function callAudience(db: Db, orgId: string, agentUserId: string | null): Promise<{ visibility: "all" | "own"; userIds?: string[] }> {
  const org = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)).get();
  const visibility = org?.settings.recordVisibility ?? "all";
  if (visibility !== "own") return { visibility };
  const members = await db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.orgId, orgId));
  return { visibility, userIds: members.filter((m) => can(m.role, "records:read_all") || m.userId === agentUserId).map((m) => m.userId) };
}

/** The call's activity just landed on the matched records' timelines: open timelines refresh. */
async function announceActivity(env: RoomEnv, db: Db, orgId: string, call: CallRow, visibility: "all" | "own") {
  if (!call.activityId) return;
  const activity = await db.select().from(activities).where(and(eq(activities.orgId, orgId), eq(activities.id, call.activityId))).get();
  if (!activity) return;
  const actor = { userId: call.agentUserId ?? "system", orgId, role: "owner" as const, sessionId: "", recordVisibility: visibility };
  await publishActivityChanged(env, db, orgId, actor, "created", publicRecord(activity));
}

export async function afterCallChange(env: RoomEnv, db: Db, orgId: string, change: CallChange) {
  const { before, after } = change;
  await bestEffort("agent status", orgId, () => agentEffect(env, db, orgId, before, after, change.ended, change.event.status));
  await bestEffort("call event", orgId, async () => {
    const view = callView(after, await partyNames(db, orgId, [after]));
    const { visibility, userIds } = await callAudience(db, orgId, after.agentUserId);
    if (change.created) await publishEvent(env, orgId, "call_started", { call: view }, userIds);
    if (change.ended) await publishEvent(env, orgId, "call_ended", { call: view }, userIds);
    else if (!change.created) await publishEvent(env, orgId, "call_updated", { call: view, event: change.event.status }, userIds);
    if (change.ended) await announceActivity(env, db, orgId, after, visibility);
  });
  const queues = new Set<string>();
  if (isWaiting(before) !== isWaiting(after) || before.queueId !== after.queueId) {
    if (before.queueId) queues.add(before.queueId);
    if (after.queueId) queues.add(after.queueId);
  }
  for (const queueId of queues) {
    await bestEffort("queue event", orgId, async () =>
      publishEvent(env, orgId, "queue_updated", { queueId, waiting: await waitingCount(db, orgId, queueId) }),
    );
  }
}
