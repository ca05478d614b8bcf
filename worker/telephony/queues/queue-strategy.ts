import type { AgentStatus, QueueStrategy } from "../../../schema";

/**
 * Which members of a queue to ring next. Pure: the caller loads the members,
 * their availability and the queue's round-robin cursor, and records the
 * assignment (queue.lastAssignedUserId, agent-status markAssigned) itself.
 */

export interface QueueMemberState {
  userId: string;
  /** Lower first. */
  priority: number;
  status: AgentStatus;
  /** When the agent last became available (agent_statuses.idle_since). */
  idleSince: number | null;
}

export interface SelectionInput {
  strategy: QueueStrategy;
  members: QueueMemberState[];
  /** Round robin: the member the queue handed its previous call to. */
  lastAssignedUserId?: string | null;
  /** Members already offered this call (rang and did not answer), skipped. */
  exclude?: readonly string[];
}

const byPriority = (a: QueueMemberState, b: QueueMemberState) =>
  a.priority - b.priority || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);

/**
 * The user ids to ring, in order: every available member for ring_all (by
 * priority); otherwise at most one. Empty when nobody is available: the
 * caller then waits or overflows.
 */
export function selectAgents(input: SelectionInput): string[] {
  const skip = new Set(input.exclude ?? []);
  const ordered = [...input.members].sort(byPriority);
  const available = ordered.filter((m) => m.status === "available" && !skip.has(m.userId));
  if (available.length === 0) return [];
  switch (input.strategy) {
    case "ring_all":
      return available.map((m) => m.userId);
    case "round_robin": {
      // The cycle is every member by priority; start right after the last one served.
      const last = input.lastAssignedUserId ? ordered.findIndex((m) => m.userId === input.lastAssignedUserId) : -1;
      for (let step = 1; step <= ordered.length; step++) {
        const candidate = ordered[(last + step) % ordered.length]!;
        if (candidate.status === "available" && !skip.has(candidate.userId)) return [candidate.userId];
      }
      return [];
    }
    case "longest_idle": {
      // Idle longest = earliest idleSince; unknown idle time counts as the most recent.
      const idle = (m: QueueMemberState) => m.idleSince ?? Number.MAX_SAFE_INTEGER;
      const pick = [...available].sort((a, b) => idle(a) - idle(b) || byPriority(a, b))[0]!;
      return [pick.userId];
    }
  }
}
