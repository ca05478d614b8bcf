import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { conflict, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { agentStatuses, callQueueMembers, callQueues, memberships, QUEUE_OVERFLOWS, telephonyProviders, type QueueStrategy } from "../../../schema";
import { markAssigned } from "../../agents";
import { auditStatement } from "../../platform/audit-writer";
import { parsePhone, PHONE_MESSAGE } from "../../platform/phone";
import { defaultCountryOf, isUniqueViolation, type Actor } from "../../platform/records";
import { selectAgents, type QueueMemberState } from "./queue-strategy";

export type QueueRow = typeof callQueues.$inferSelect;

export interface QueueMemberInput {
  userId: string;
  priority?: number;
}

export interface QueueInput {
  name?: string;
  strategy?: QueueStrategy;
  ringTimeoutSeconds?: number;
  maxWaitSeconds?: number;
  overflowAction?: (typeof QUEUE_OVERFLOWS)[number];
  overflowTarget?: string | null;
  members?: QueueMemberInput[];
}

export async function requireQueue(db: Db, orgId: string, id: string): Promise<QueueRow> {
  const row = await db.select().from(callQueues).where(and(eq(callQueues.orgId, orgId), eq(callQueues.id, id))).get();
  if (!row) throw notFound("Queue");
  return row;
}

/** The members of a queue with their current availability, by priority. */
export async function queueMemberStates(db: Db, orgId: string, queueId: string): Promise<QueueMemberState[]> {
  const rows = await db
    .select({ userId: callQueueMembers.userId, priority: callQueueMembers.priority, status: agentStatuses.status, idleSince: agentStatuses.idleSince })
    .from(callQueueMembers)
    .leftJoin(agentStatuses, and(eq(agentStatuses.orgId, callQueueMembers.orgId), eq(agentStatuses.userId, callQueueMembers.userId)))
    .where(and(eq(callQueueMembers.orgId, orgId), eq(callQueueMembers.queueId, queueId)))
    .orderBy(asc(callQueueMembers.priority), asc(callQueueMembers.userId));
  return rows.map((r) => ({ userId: r.userId, priority: r.priority, status: r.status ?? "offline", idleSince: r.idleSince ?? null }));
}

async function queueView(db: Db, orgId: string, queue: QueueRow) {
  const { orgId: _org, ...rest } = queue;
  return { ...rest, members: await queueMemberStates(db, orgId, queue.id) };
}

export async function listQueues(db: Db, orgId: string) {
  const rows = await db.select().from(callQueues).where(eq(callQueues.orgId, orgId)).orderBy(asc(callQueues.name));
  return Promise.all(rows.map((q) => queueView(db, orgId, q)));
}

export async function getQueue(db: Db, orgId: string, id: string) {
  return queueView(db, orgId, await requireQueue(db, orgId, id));
}

async function assertMembers(db: Db, orgId: string, members: QueueMemberInput[]) {
  const ids = [...new Set(members.map((m) => m.userId))];
  if (ids.length !== members.length) throw invalid({ members: ["Each member may appear once"] });
  if (ids.length === 0) return;
  const found = await db
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), inArray(memberships.userId, ids)));
  const missing = ids.filter((id) => !found.some((f) => f.userId === id));
  if (missing.length) throw invalid({ members: [`Not members of this organization: ${missing.join(", ")}`] });
  const viewers = found.filter((f) => f.role === "viewer").map((f) => f.userId);
  if (viewers.length) throw invalid({ members: [`Viewers cannot take calls: ${viewers.join(", ")}`] });
}

/** Overflow "queue" names another queue of the organization, "number" a phone number, voicemail nothing. */
async function overflowTarget(db: Db, orgId: string, selfId: string, action: QueueRow["overflowAction"], target: string | null | undefined) {
  if (action === "voicemail") return null;
  if (!target) throw invalid({ overflowTarget: [`Required when overflowAction is ${action}`] });
  if (action === "queue") {
    if (target === selfId) throw invalid({ overflowTarget: ["A queue cannot overflow into itself"] });
    await requireQueue(db, orgId, target).catch(() => {
      throw invalid({ overflowTarget: ["No such queue in this organization"] });
    });
    return target;
  }
  const phone = parsePhone(target, await defaultCountryOf(db, orgId));
  if (!phone) throw invalid({ overflowTarget: [PHONE_MESSAGE] });
  return phone;
}

function memberRows(orgId: string, queueId: string, members: QueueMemberInput[], now: number) {
  return members.map((m) => ({ queueId, orgId, userId: m.userId, priority: m.priority ?? 0, createdAt: now }));
}

export async function createQueue(db: Db, orgId: string, actor: Actor, input: QueueInput & { name: string }) {
  const id = newId();
  const members = input.members ?? [];
  await assertMembers(db, orgId, members);
  const overflowAction = input.overflowAction ?? "voicemail";
  const now = Date.now();
  const row: QueueRow = {
    id,
    orgId,
    name: input.name.trim(),
    strategy: input.strategy ?? "ring_all",
    ringTimeoutSeconds: input.ringTimeoutSeconds ?? 20,
    maxWaitSeconds: input.maxWaitSeconds ?? 300,
    overflowAction,
    overflowTarget: await overflowTarget(db, orgId, id, overflowAction, input.overflowTarget),
    lastAssignedUserId: null,
    createdAt: now,
    updatedAt: now,
  };
  const rows = memberRows(orgId, id, members, now);
  try {
    await db.batch([
      db.insert(callQueues).values(row),
      ...(rows.length ? [db.insert(callQueueMembers).values(rows)] : []),
      auditStatement(db, orgId, { actorId: actor.userId, action: "create", entity: "call_queue", entityId: id, changes: { name: row.name, strategy: row.strategy }, requestId: actor.requestId }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("A queue with this name already exists", { name: ["Already taken"] });
    throw err;
  }
  return getQueue(db, orgId, id);
}

/** Changes a queue; `members`, when given, replaces the member list. */
export async function updateQueue(db: Db, orgId: string, actor: Actor, id: string, input: QueueInput) {
  const before = await requireQueue(db, orgId, id);
  const values: Partial<QueueRow> = { updatedAt: Date.now() };
  if (input.name !== undefined) values.name = input.name.trim();
  if (input.strategy !== undefined) values.strategy = input.strategy;
  if (input.ringTimeoutSeconds !== undefined) values.ringTimeoutSeconds = input.ringTimeoutSeconds;
  if (input.maxWaitSeconds !== undefined) values.maxWaitSeconds = input.maxWaitSeconds;
  if (input.overflowAction !== undefined || input.overflowTarget !== undefined) {
    const action = input.overflowAction ?? before.overflowAction;
    values.overflowAction = action;
    values.overflowTarget = await overflowTarget(db, orgId, id, action, input.overflowTarget === undefined ? before.overflowTarget : input.overflowTarget);
  }
  if (input.members) await assertMembers(db, orgId, input.members);
  const where = and(eq(callQueues.orgId, orgId), eq(callQueues.id, id));
  try {
    await db.batch([
      db.update(callQueues).set(values).where(where),
      ...(input.members
        ? [
            db.delete(callQueueMembers).where(and(eq(callQueueMembers.orgId, orgId), eq(callQueueMembers.queueId, id))),
            ...(input.members.length ? [db.insert(callQueueMembers).values(memberRows(orgId, id, input.members, Date.now()))] : []),
          ]
        : []),
      auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "call_queue", entityId: id, changes: { ...values, members: input.members }, requestId: actor.requestId }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("A queue with this name already exists", { name: ["Already taken"] });
    throw err;
  }
  return getQueue(db, orgId, id);
}

export async function deleteQueue(db: Db, orgId: string, actor: Actor, id: string) {
  const before = await requireQueue(db, orgId, id);
  await db.batch([
    db.delete(callQueues).where(and(eq(callQueues.orgId, orgId), eq(callQueues.id, id))),
    // Nothing keeps routing into a queue that is gone.
    db.update(telephonyProviders).set({ defaultQueueId: null }).where(and(eq(telephonyProviders.orgId, orgId), eq(telephonyProviders.defaultQueueId, id))),
    db
      .update(callQueues)
      .set({ overflowAction: "voicemail", overflowTarget: null })
      .where(and(eq(callQueues.orgId, orgId), eq(callQueues.overflowAction, "queue"), eq(callQueues.overflowTarget, id))),
    auditStatement(db, orgId, { actorId: actor.userId, action: "delete", entity: "call_queue", entityId: id, changes: { name: before.name }, requestId: actor.requestId }),
  ]);
}

/** Adds a member, or changes their priority. */
export async function upsertQueueMember(db: Db, orgId: string, actor: Actor, queueId: string, member: QueueMemberInput) {
  await requireQueue(db, orgId, queueId);
  await assertMembers(db, orgId, [member]);
  const [row] = memberRows(orgId, queueId, [member], Date.now());
  await db.batch([
    db.insert(callQueueMembers).values(row!).onConflictDoUpdate({ target: [callQueueMembers.queueId, callQueueMembers.userId], set: { priority: row!.priority } }),
    auditStatement(db, orgId, { actorId: actor.userId, action: "member.add", entity: "call_queue", entityId: queueId, changes: { ...member }, requestId: actor.requestId }),
  ]);
  return getQueue(db, orgId, queueId);
}

export async function removeQueueMember(db: Db, orgId: string, actor: Actor, queueId: string, userId: string) {
  await requireQueue(db, orgId, queueId);
  const [gone] = await db.batch([
    db.delete(callQueueMembers).where(and(eq(callQueueMembers.orgId, orgId), eq(callQueueMembers.queueId, queueId), eq(callQueueMembers.userId, userId))).returning(),
    auditStatement(db, orgId, { actorId: actor.userId, action: "member.remove", entity: "call_queue", entityId: queueId, changes: { userId }, requestId: actor.requestId }),
  ]);
  if (gone.length === 0) throw notFound("Queue member");
  return getQueue(db, orgId, queueId);
}

/** Who the queue would ring now (without recording an assignment). */
export async function agentsToRing(db: Db, orgId: string, queueId: string, exclude: readonly string[] = []) {
  const queue = await requireQueue(db, orgId, queueId);
  const members = await queueMemberStates(db, orgId, queueId);
  return selectAgents({ strategy: queue.strategy, members, lastAssignedUserId: queue.lastAssignedUserId, exclude });
}

/**
 * Records that the queue handed a call to `userId`: the queue's round-robin
 * cursor moves to them and the agent's lastAssignedAt is stamped.
 */
export async function recordQueueAssignment(db: Db, orgId: string, queueId: string, userId: string, at = Date.now()) {
  await db.update(callQueues).set({ lastAssignedUserId: userId }).where(and(eq(callQueues.orgId, orgId), eq(callQueues.id, queueId)));
  await markAssigned(db, orgId, userId, at);
}
