import { and, asc, eq, sql } from "drizzle-orm";
import type { Env } from "../platform/env";
import type { Db } from "../platform/db";
import { notFound } from "../platform/errors";
import { agentStatuses, memberships, users, type AgentStatus } from "../../schema";
import { auditStatement } from "../platform/audit-writer";
import { publishEvent } from "../platform/room-rpc";
import { HANDOUT_JOB, QUEUE_WAKE_JOB, type HandoutJob, type QueueWakeJob } from "../../schema/jobs";

export interface AgentState {
  userId: string;
  name: string;
  email: string;
  role: string;
  status: AgentStatus;
  source: "agent" | "manager" | "system";
  changedAt: number | null;
  idleSince: number | null;
  lastAssignedAt: number | null;
}

const stateColumns = {
  userId: users.id,
  name: users.name,
  email: users.email,
  role: memberships.role,
  // A member who never set a status is offline: routing never picks them.
  status: sql<AgentStatus>`coalesce(${agentStatuses.status}, 'offline')`,
  source: sql<AgentState["source"]>`coalesce(${agentStatuses.source}, 'system')`,
  changedAt: agentStatuses.changedAt,
  idleSince: agentStatuses.idleSince,
  lastAssignedAt: agentStatuses.lastAssignedAt,
};

function statesQuery(db: Db, orgId: string) {
  return db
    .select(stateColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(agentStatuses, and(eq(agentStatuses.orgId, memberships.orgId), eq(agentStatuses.userId, memberships.userId)))
    .where(eq(memberships.orgId, orgId))
    .$dynamic();
}

/** Every member with their availability (viewers included: they are simply never routed work). */
export async function listAgentStates(db: Db, orgId: string, status?: AgentStatus): Promise<AgentState[]> {
  const rows = await statesQuery(db, orgId).orderBy(asc(users.name), asc(users.id));
  return status ? rows.filter((r) => r.status === status) : rows;
}

export async function getAgentState(db: Db, orgId: string, userId: string): Promise<AgentState> {
  const [row] = await statesQuery(db, orgId).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  if (!row) throw notFound("Member");
  return row;
}

export interface StatusChange {
  status: AgentStatus;
  source: AgentState["source"];
  actorId: string | null;
  requestId?: string;
  at?: number;
}

/**
 * Sets a member's availability. `idleSince` restarts only when the agent
 * becomes available from another state, so "longest idle" routing is fair.
 * Answers the new state and whether anything changed (callers publish only then).
 */
export async function setAgentStatus(db: Db, orgId: string, userId: string, change: StatusChange) {
  const before = await getAgentState(db, orgId, userId);
  if (before.status === change.status && before.changedAt !== null) return { state: before, changed: false };
  const at = change.at ?? Date.now();
  const idleSince = change.status === "available" ? (before.status === "available" ? before.idleSince : at) : null;
  await db.batch([
    db
      .insert(agentStatuses)
      .values({ orgId, userId, status: change.status, source: change.source, changedAt: at, idleSince })
      .onConflictDoUpdate({
        target: [agentStatuses.orgId, agentStatuses.userId],
        set: { status: change.status, source: change.source, changedAt: at, idleSince },
      }),
    auditStatement(db, orgId, {
      actorId: change.actorId,
      action: "agent.status",
      entity: "agent",
      entityId: userId,
      changes: { status: [before.status, change.status], source: change.source },
      requestId: change.requestId,
    }),
  ]);
  return { state: { ...before, status: change.status, source: change.source, changedAt: at, idleSince }, changed: true };
}

/** Records that work was just handed to the agent (round robin resumes after the latest). */
export async function markAssigned(db: Db, orgId: string, userId: string, at = Date.now()) {
  await db
    .insert(agentStatuses)
    .values({ orgId, userId, status: "offline", source: "system", changedAt: at, lastAssignedAt: at })
    .onConflictDoUpdate({ target: [agentStatuses.orgId, agentStatuses.userId], set: { lastAssignedAt: at } });
}

/**
 * Tells the organization's live boards (calls, tickets) that an agent's
 * availability changed. An agent who became available also gets the tickets
 * waiting in their teams' queues (worker/support/tickets/handout.ts, through the Queue),
 * and the callers holding in their call queues are routed again at once
 * (worker/telephony/twilio/twilio-wait.ts).
 * `JOBS` is optional in the type only because some callers narrow their env;
 * the runtime env always carries it.
 */
export async function announceAgentStatus(env: Pick<Env, "ORG_ROOM"> & Partial<Pick<Env, "JOBS">>, orgId: string, state: AgentState) {
  if (state.status === "available" && env.JOBS) {
    const job: HandoutJob = { type: HANDOUT_JOB, orgId, userId: state.userId };
    await env.JOBS.send(job).catch((err: unknown) => console.error(JSON.stringify({ level: "error", msg: "handout job not queued", orgId, err: String(err) })));
    const wake: QueueWakeJob = { type: QUEUE_WAKE_JOB, orgId, userId: state.userId };
    await env.JOBS.send(wake).catch((err: unknown) => console.error(JSON.stringify({ level: "error", msg: "queue wake job not queued", orgId, err: String(err) })));
  }
  return publishEvent(env, orgId, "agent_status_changed", {
    userId: state.userId,
    name: state.name,
    status: state.status,
    source: state.source,
    changedAt: state.changedAt,
  });
}
