import { and, eq, inArray } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { can } from "../../platform/permissions";
import { memberships, organizations, supportTeamMembers, users, type PublicTicket, type SupportTicket } from "../../../schema";
import { notify } from "../../notifications";
import { publishEvent } from "../../platform/room-rpc";
import type { RoomEventData, RoomEventType } from "../../../schema/room-events";
import { slaOf } from "../sla/sla";
import { seesTicket } from "./ticket-visibility";

type Ticket = SupportTicket;
type RoomEnv = Pick<Env, "DB" | "ORG_ROOM">;

export function publicTicket(t: Ticket, now = Date.now()): PublicTicket {
  const { orgId: _org, ...rest } = t;
  return { ...rest, sla: slaOf(t, now) };
}

/** Room pushes after a committed change are best effort: clients re-read on reconnect. */
async function push(env: RoomEnv, orgId: string, run: () => Promise<unknown>) {
  try {
    await run();
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "ticket event failed", orgId, err: String(err) }));
  }
}

type Placement = Pick<Ticket, "assigneeId" | "teamId">;

/**
 * Who may receive a ticket's events. Everyone, unless the organization
 * restricts agents to their own records: then the members who see all
 * records plus the restricted ones who see this ticket (visibility.ts).
 * `lost`: restricted members who saw the ticket `before` and no longer do.
 */
export async function audience(env: RoomEnv, orgId: string, after: Placement, before?: Placement | null): Promise<{ userIds?: string[]; lost: string[] }> {
  const db = orgDb(env, orgId);
  const org = await db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)).get();
  if ((org?.settings.recordVisibility ?? "all") !== "own") return { lost: [] };
  const teamIds = [...new Set([after.teamId, before?.teamId].filter((t): t is string => !!t))];
  const [members, teamRows] = await Promise.all([
    db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.orgId, orgId)),
    teamIds.length
      ? db
          .select({ teamId: supportTeamMembers.teamId, userId: supportTeamMembers.userId })
          .from(supportTeamMembers)
          .where(and(eq(supportTeamMembers.orgId, orgId), inArray(supportTeamMembers.teamId, teamIds)))
      : [],
  ]);
  const viewers = members.map((m) => ({
    userId: m.userId,
    restricted: !can(m.role, "records:read_all"),
    teamIds: new Set(teamRows.filter((r) => r.userId === m.userId).map((r) => r.teamId)),
  }));
  return {
    userIds: viewers.filter((v) => seesTicket(v, after)).map((v) => v.userId),
    lost: before ? viewers.filter((v) => seesTicket(v, before) && !seesTicket(v, after)).map((v) => v.userId) : [],
  };
}

/** Sends to the ticket's audience only; an empty audience sends nothing (publishEvent without ids would reach everyone). */
async function publishTo<K extends RoomEventType>(env: RoomEnv, orgId: string, type: K, data: RoomEventData[K], userIds: string[] | undefined) {
  if (userIds && userIds.length === 0) return;
  await publishEvent(env, orgId, type, data, userIds);
}

/**
 * `{ticket, by, ...extra}`: `extra` is `{comment}` when a comment was added
 * (the open ticket page appends it) and `{deleted: true}` when the ticket is
 * gone (boards drop it). Under own-records visibility only members who may
 * see the ticket get it; given `before`, a restricted member who could see
 * it and now cannot (reassigned, moved to another team) gets
 * `ticket_removed {id, reason, by}` instead, so their board drops it.
 */
export function publishTicket(
  env: RoomEnv,
  orgId: string,
  type: "ticket_created" | "ticket_updated",
  ticket: Ticket,
  by: string | null,
  extra: { deleted?: true; comment?: unknown } = {},
  before?: Placement | null,
) {
  return push(env, orgId, async () => {
    const { userIds, lost } = await audience(env, orgId, ticket, before);
    await Promise.all([
      publishTo(env, orgId, type, { ticket: publicTicket(ticket), by, ...extra }, userIds),
      lost.length ? publishEvent(env, orgId, "ticket_removed", { id: ticket.id, reason: "reassigned", by }, lost) : null,
    ]);
  });
}

/**
 * `ticket_assigned` to the ticket's audience and a notification to the new
 * assignee (unless they assigned themselves). Whoever lost sight of the
 * ticket was told by the `ticket_updated` that precedes this.
 */
export async function announceAssignment(env: RoomEnv, orgId: string, ticket: Ticket, previousAssigneeId: string | null, by: string | null) {
  const assigneeId = ticket.assigneeId;
  if (!assigneeId) return;
  await push(env, orgId, async () => {
    const { userIds } = await audience(env, orgId, ticket);
    await publishTo(
      env,
      orgId,
      "ticket_assigned",
      { ticket: publicTicket(ticket), ticketId: ticket.id, assigneeId, previousAssigneeId, teamId: ticket.teamId, by },
      userIds,
    );
  });
  if (assigneeId === by) return;
  await notify(env, orgId, assigneeId, {
    type: "ticket_assigned",
    title: `Ticket #${ticket.number} assigned to you`,
    body: ticket.subject,
    link: `/support/tickets/${ticket.id}`,
    data: { ticketId: ticket.id, number: ticket.number, by },
  });
}

/** Members who manage the support desk (owners, admins, managers): breach notifications go to them too. */
export async function supportManagers(env: Pick<Env, "DB">, orgId: string): Promise<string[]> {
  const rows = await orgDb(env, orgId)
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), inArray(memberships.role, ["owner", "admin", "manager"])));
  return rows.map((r) => r.userId);
}

export const VIEWING_ACTIVITIES = ["viewing", "replying", "left"] as const;
export type ViewingActivity = (typeof VIEWING_ACTIVITIES)[number];

/**
 * Collision detection: tells the room who is looking at or replying to a
 * ticket. Clients send it on open, every ~20 s while open (a heartbeat) and
 * "left" on close; others drop an entry not refreshed within ~45 s.
 */
export async function announceViewing(env: RoomEnv, orgId: string, ticket: Ticket, userId: string, activity: ViewingActivity) {
  const user = await orgDb(env, orgId).select({ name: users.name }).from(users).where(eq(users.id, userId)).get();
  await push(env, orgId, async () => {
    const { userIds } = await audience(env, orgId, ticket);
    await publishTo(env, orgId, "ticket_viewing", { ticketId: ticket.id, userId, name: user?.name ?? null, activity }, userIds);
  });
}
