import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { can } from "../../platform/permissions";
import { memberships, OPEN_TICKET_STATUSES, supportTeamMembers, supportTeams, supportTickets } from "../../../schema";
import { listAgentStates, markAssigned } from "../../agents";

type Team = typeof supportTeams.$inferSelect;

/** An assignee must be a member whose role works tickets (viewers cannot). */
export async function assertAssignable(db: Db, orgId: string, userId: string, field = "assigneeId") {
  const member = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .get();
  if (!member || !can(member.role, "tickets:write")) throw invalid({ [field]: ["Not a member who can work tickets"] });
}

/**
 * Team members who can take a ticket now: availability comes from the shared
 * agent status (schema/agents.ts), the same the call center routes by.
 */
async function availableMembers(db: Db, orgId: string, teamId: string): Promise<{ userId: string; lastAssignedAt: number | null }[]> {
  const [members, available] = await Promise.all([
    db.select({ userId: supportTeamMembers.userId }).from(supportTeamMembers).where(and(eq(supportTeamMembers.orgId, orgId), eq(supportTeamMembers.teamId, teamId))),
    listAgentStates(db, orgId, "available"),
  ]);
  const inTeam = new Set(members.map((m) => m.userId));
  return available
    .filter((a) => inTeam.has(a.userId) && can(a.role as Parameters<typeof can>[0], "tickets:write"))
    .map((a) => ({ userId: a.userId, lastAssignedAt: a.lastAssignedAt }))
    .sort((a, b) => (a.userId < b.userId ? -1 : 1));
}

/** Round robin: the first available member after the team's last pick, in a stable (id) order. */
function nextInTurn(candidates: { userId: string }[], last: string | null): string {
  const after = last ? candidates.find((c) => c.userId > last) : undefined;
  return (after ?? candidates[0]!).userId;
}

/** Least loaded: fewest open tickets; ties go to whoever was handed work longest ago. */
async function leastLoaded(db: Db, orgId: string, candidates: { userId: string; lastAssignedAt: number | null }[]): Promise<string> {
  const loads = await db
    .select({ userId: supportTickets.assigneeId, open: sql<number>`count(*)` })
    .from(supportTickets)
    .where(
      and(
        eq(supportTickets.orgId, orgId),
        inArray(supportTickets.assigneeId, candidates.map((c) => c.userId)),
        inArray(supportTickets.status, [...OPEN_TICKET_STATUSES]),
      ),
    )
    .groupBy(supportTickets.assigneeId);
  const load = new Map(loads.map((l) => [l.userId, l.open]));
  const ranked = [...candidates].sort(
    (a, b) =>
      (load.get(a.userId) ?? 0) - (load.get(b.userId) ?? 0) ||
      (a.lastAssignedAt ?? 0) - (b.lastAssignedAt ?? 0) ||
      (a.userId < b.userId ? -1 : 1),
  );
  return ranked[0]!.userId;
}

/**
 * Who the team's rule picks now, or null (manual rule, or nobody available:
 * the ticket then waits in the team's queue). Records the pick on the team
 * and the agent so the next round starts after it.
 */
export async function pickAssignee(db: Db, orgId: string, team: Team): Promise<string | null> {
  if (team.assignmentRule === "manual") return null;
  const candidates = await availableMembers(db, orgId, team.id);
  if (candidates.length === 0) return null;
  const userId =
    team.assignmentRule === "round_robin" ? nextInTurn(candidates, team.lastAssignedUserId) : await leastLoaded(db, orgId, candidates);
  await db
    .update(supportTeams)
    .set({ lastAssignedUserId: userId })
    .where(and(eq(supportTeams.orgId, orgId), eq(supportTeams.id, team.id)));
  await markAssigned(db, orgId, userId);
  return userId;
}

export async function getTeamRow(db: Db, orgId: string, teamId: string) {
  return db.select().from(supportTeams).where(and(eq(supportTeams.orgId, orgId), eq(supportTeams.id, teamId))).get();
}
