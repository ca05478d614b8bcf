import { and, eq, inArray } from "drizzle-orm";
import type { Env } from "../../env";
import { orgDb } from "../../lib/db";
import { memberships, supportTickets, users } from "../../../schema";
import { notify } from "../notifications";
import { publishEvent } from "../room-events";
import { slaOf } from "./sla";

type Ticket = typeof supportTickets.$inferSelect;
type RoomEnv = Pick<Env, "DB" | "ORG_ROOM">;

/** A ticket as the API answers it: no tenant column, plus its live SLA state. */
export function publicTicket(t: Ticket, now = Date.now()) {
  const { orgId: _org, ...rest } = t;
  return { ...rest, sla: slaOf(t, now) };
}
export type PublicTicket = ReturnType<typeof publicTicket>;

/** Room pushes after a committed change are best effort: clients re-read on reconnect. */
async function push(env: RoomEnv, orgId: string, run: () => Promise<unknown>) {
  try {
    await run();
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "ticket event failed", orgId, err: String(err) }));
  }
}

/**
 * `{ticket, by, ...extra}`: `extra` is `{comment}` when a comment was added
 * (the open ticket page appends it) and `{deleted: true}` when the ticket is
 * gone (boards drop it).
 */
export function publishTicket(
  env: RoomEnv,
  orgId: string,
  type: "ticket_created" | "ticket_updated",
  ticket: Ticket,
  by: string | null,
  extra: { deleted?: true; comment?: unknown } = {},
) {
  return push(env, orgId, () => publishEvent(env, orgId, type, { ticket: publicTicket(ticket), by, ...extra }));
}

/** `ticket_assigned` to the room and a notification to the new assignee (unless they assigned themselves). */
export async function announceAssignment(env: RoomEnv, orgId: string, ticket: Ticket, previousAssigneeId: string | null, by: string | null) {
  if (!ticket.assigneeId) return;
  await push(env, orgId, () =>
    publishEvent(env, orgId, "ticket_assigned", {
      ticket: publicTicket(ticket),
      ticketId: ticket.id,
      assigneeId: ticket.assigneeId,
      previousAssigneeId,
      teamId: ticket.teamId,
      by,
    }),
  );
  if (ticket.assigneeId === by) return;
  await notify(env, orgId, ticket.assigneeId, {
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
export async function announceViewing(env: RoomEnv, orgId: string, ticketId: string, userId: string, activity: ViewingActivity) {
  const user = await orgDb(env, orgId).select({ name: users.name }).from(users).where(eq(users.id, userId)).get();
  await push(env, orgId, () => publishEvent(env, orgId, "ticket_viewing", { ticketId, userId, name: user?.name ?? null, activity }));
}
