import { and, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import type { AuthContext } from "../../platform/env";
import { ownRecordsOnly } from "../../platform/access";
import type { Db } from "../../platform/db";
import { notFound } from "../../platform/errors";
import { supportTeamMembers, supportTickets } from "../../../schema";
import { requireTicket, type Ticket } from "./tickets";

/**
 * Row-level access for tickets. When the organization restricts agents to
 * their own records, an agent sees the tickets assigned to them plus the
 * unassigned ones they could pick up: those of their teams, and those with no
 * team. Everything else answers 404, as for deals. Roles with
 * `records:read_all` (managers and up, viewers) see every ticket.
 */
export type TicketViewer = Pick<AuthContext, "userId" | "role" | "recordVisibility">;

/** The WHERE condition for ticket lists, or undefined when the viewer sees all. */
export function visibleTickets(orgId: string, viewer: TicketViewer): SQL | undefined {
  if (!ownRecordsOnly(viewer)) return undefined;
  const myTeams = sql`SELECT ${supportTeamMembers.teamId} FROM ${supportTeamMembers} WHERE ${supportTeamMembers.orgId} = ${orgId} AND ${supportTeamMembers.userId} = ${viewer.userId}`;
  return or(
    eq(supportTickets.assigneeId, viewer.userId),
    and(isNull(supportTickets.assigneeId), or(isNull(supportTickets.teamId), sql`${supportTickets.teamId} IN (${myTeams})`)),
  );
}

/** The same rule for one ticket, given the teams the member belongs to. */
export function seesTicket(
  member: { userId: string; restricted: boolean; teamIds: ReadonlySet<string> },
  ticket: Pick<Ticket, "assigneeId" | "teamId">,
): boolean {
  if (!member.restricted || ticket.assigneeId === member.userId) return true;
  return ticket.assigneeId === null && (ticket.teamId === null || member.teamIds.has(ticket.teamId));
}

export async function teamIdsOf(db: Db, orgId: string, userId: string): Promise<Set<string>> {
  const rows = await db
    .select({ teamId: supportTeamMembers.teamId })
    .from(supportTeamMembers)
    .where(and(eq(supportTeamMembers.orgId, orgId), eq(supportTeamMembers.userId, userId)));
  return new Set(rows.map((r) => r.teamId));
}

/** A ticket the viewer may see and act on; one they may not answers 404, exactly like a missing one. */
export async function requireVisibleTicket(db: Db, orgId: string, viewer: TicketViewer, id: string): Promise<Ticket> {
  const ticket = await requireTicket(db, orgId, id);
  if (!ownRecordsOnly(viewer)) return ticket;
  const member = { userId: viewer.userId, restricted: true, teamIds: await teamIdsOf(db, orgId, viewer.userId) };
  if (!seesTicket(member, ticket)) throw notFound("Ticket");
  return ticket;
}

/** The same rule as a subquery of ticket ids, for features that reference tickets without importing support (the insight inbox). */
export const visibleTicketIds = (orgId: string, viewer: TicketViewer): SQL =>
  sql`SELECT ${supportTickets.id} FROM ${supportTickets} WHERE ${and(eq(supportTickets.orgId, orgId), visibleTickets(orgId, viewer))}`;
