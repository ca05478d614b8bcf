import { and, asc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import type { JobHandler } from "../../platform/job-queue";
import { OPEN_TICKET_STATUSES, supportTeamMembers, supportTeams, supportTickets } from "../../../schema";
import { announceAssignment, publishTicket } from "./ticket-events";
import type { HandoutJob } from "../../../schema/jobs";
import type { SupportActor } from "../sla/sla";
import { publishTicketChange } from "./ticket-domain-events";
import { assignByRule } from "./ticket-flow";

type HandoutEnv = Pick<Env, "DB" | "ORG_ROOM" | "SLA_CLOCK" | "JOBS">;

/** The system hands the work out: no user acts. */
const SYSTEM: SupportActor = { userId: null };

/** Tickets looked at per run; the rest wait for the next agent to become available. */
export const HANDOUT_LIMIT = 100;

/** Most urgent first, then the longest waiting. */
const urgency = sql`CASE ${supportTickets.priority} WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END DESC`;

/**
 * An agent just became available: the unassigned open tickets waiting in the
 * queues of their teams that assign automatically (round robin, least
 * loaded) are handed out by each team's rule among the members available
 * now, which includes this agent. Each assignment is a conditional write
 * (see assignByRule), so running twice at once — a redelivered job, two
 * agents becoming available together — never assigns a ticket twice.
 * Answers how many tickets this run assigned.
 */
export async function handOutQueuedTickets(env: HandoutEnv, orgId: string, userId: string): Promise<number> {
  const db = orgDb(env, orgId);
  const teams = await db
    .select({ id: supportTeams.id })
    .from(supportTeamMembers)
    .innerJoin(supportTeams, and(eq(supportTeams.orgId, supportTeamMembers.orgId), eq(supportTeams.id, supportTeamMembers.teamId)))
    .where(and(eq(supportTeamMembers.orgId, orgId), eq(supportTeamMembers.userId, userId), ne(supportTeams.assignmentRule, "manual")));
  if (teams.length === 0) return 0;
  const queued = await db
    .select()
    .from(supportTickets)
    .where(
      and(
        eq(supportTickets.orgId, orgId),
        isNull(supportTickets.assigneeId),
        isNull(supportTickets.mergedIntoId),
        inArray(supportTickets.teamId, teams.map((t) => t.id)),
        inArray(supportTickets.status, [...OPEN_TICKET_STATUSES]),
      ),
    )
    .orderBy(urgency, asc(supportTickets.createdAt), asc(supportTickets.number))
    .limit(HANDOUT_LIMIT);
  let assigned = 0;
  const nobodyFree = new Set<string>();
  for (const ticket of queued) {
    if (nobodyFree.has(ticket.teamId!)) continue;
    const result = await assignByRule(env, orgId, SYSTEM, ticket);
    if (!result.assigned) {
      // Untouched: the team had nobody available (the agent left again); its other tickets keep waiting.
      // Otherwise another run took this one first.
      if (result.ticket === ticket) nobodyFree.add(ticket.teamId!);
      continue;
    }
    assigned++;
    await publishTicket(env, orgId, "ticket_updated", result.ticket, null, {}, ticket);
    await publishTicketChange(env, orgId, SYSTEM, "ticket.updated", result.ticket, ticket);
    await announceAssignment(env, orgId, result.ticket, null, null);
  }
  return assigned;
}

export const handoutJob: JobHandler = async (env, job) => {
  const { orgId, userId } = job as HandoutJob;
  const assigned = await handOutQueuedTickets(env, orgId, userId);
  if (assigned) console.log(JSON.stringify({ level: "info", msg: "queued tickets handed out", orgId, userId, assigned }));
};
