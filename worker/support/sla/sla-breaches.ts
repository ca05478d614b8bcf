import { and, asc, eq, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { directoryDb, orgDb } from "../../platform/db";
import type { ScheduledTask } from "../../platform/scheduled-tasks";
import { supportTickets } from "../../../schema";
import { auditStatement } from "../../platform/audit-writer";
import { notify } from "../../notifications";
import { publishTicket, supportManagers } from "../tickets/ticket-events";
import { publishTicketChange } from "../tickets/ticket-domain-events";
import { nextSlaDue } from "./sla";
import type { Ticket } from "../tickets/tickets";

type BreachEnv = Pick<Env, "DB" | "ORG_ROOM" | "JOBS">;
export type BreachKind = "first_response" | "resolution";

/** Tickets looked at per run; the next tick takes the rest. */
const BATCH = 200;

/**
 * Flags every SLA target that ran out by `now` (in one organization, or in
 * all), notifies the assignee and the support managers, and publishes
 * `ticket_updated`. Each flag is set by an UPDATE guarded on it being unset,
 * so the cron and the SlaClock alarm racing each other still notify once.
 */
export async function detectBreaches(env: BreachEnv, now: number, orgId?: string) {
  const db = orgId ? orgDb(env, orgId) : directoryDb(env);
  const due = await db
    .select()
    .from(supportTickets)
    .where(and(isNotNull(supportTickets.slaDueAt), lte(supportTickets.slaDueAt, now), orgId ? eq(supportTickets.orgId, orgId) : undefined))
    .orderBy(asc(supportTickets.slaDueAt))
    .limit(BATCH);
  const found: { ticketId: string; orgId: string; kind: BreachKind }[] = [];
  for (const ticket of due) {
    const kinds = await flagTicket(env, ticket, now);
    for (const kind of kinds) found.push({ ticketId: ticket.id, orgId: ticket.orgId, kind });
  }
  return found;
}

async function flagTicket(env: BreachEnv, ticket: Ticket, now: number): Promise<BreachKind[]> {
  const db = orgDb(env, ticket.orgId);
  const mine = and(eq(supportTickets.orgId, ticket.orgId), eq(supportTickets.id, ticket.id));
  const [first, resolution] = await db.batch([
    db
      .update(supportTickets)
      .set({ firstResponseBreachedAt: now })
      .where(
        and(mine, isNull(supportTickets.firstResponseBreachedAt), isNull(supportTickets.firstRespondedAt), lte(supportTickets.firstResponseDueAt, now), sql`${supportTickets.status} NOT IN ('solved', 'closed')`),
      )
      .returning({ id: supportTickets.id }),
    db
      .update(supportTickets)
      .set({ resolutionBreachedAt: now })
      .where(and(mine, isNull(supportTickets.resolutionBreachedAt), isNull(supportTickets.slaPausedAt), lte(supportTickets.resolutionDueAt, now), sql`${supportTickets.status} NOT IN ('solved', 'closed')`))
      .returning({ id: supportTickets.id }),
  ]);
  const kinds: BreachKind[] = [];
  if (first.length) kinds.push("first_response");
  if (resolution.length) kinds.push("resolution");
  const current = (await db.select().from(supportTickets).where(mine).get())!;
  const [after] = await db.update(supportTickets).set({ slaDueAt: nextSlaDue(current) }).where(mine).returning();
  if (kinds.length === 0) return kinds;
  await auditStatement(db, ticket.orgId, { actorId: null, action: "sla_breach", entity: "ticket", entityId: ticket.id, changes: { kinds } });
  for (const kind of kinds) {
    const dueAt = kind === "first_response" ? after!.firstResponseDueAt : after!.resolutionDueAt;
    await publishTicketChange(env, ticket.orgId, { userId: null }, "ticket.sla_breached", after!, undefined, { target: kind, dueAt, breachedAt: now });
  }
  const what = kinds.map((k) => (k === "first_response" ? "first response" : "resolution")).join(" and ");
  const recipients = new Set(await supportManagers(env, ticket.orgId));
  if (ticket.assigneeId) recipients.add(ticket.assigneeId);
  for (const userId of recipients) {
    await notify(env, ticket.orgId, userId, {
      type: "sla_breached",
      title: `SLA breached on ticket #${ticket.number}`,
      body: `${ticket.subject}: ${what} target missed`,
      link: `/support/tickets/${ticket.id}`,
      data: { ticketId: ticket.id, number: ticket.number, kinds },
    });
  }
  await publishTicket(env, ticket.orgId, "ticket_updated", after!, null);
  return kinds;
}

/** The earliest SLA target still running in an organization (the SlaClock's next alarm). */
export async function nextDueInOrg(env: Pick<Env, "DB">, orgId: string): Promise<number | null> {
  const row = await orgDb(env, orgId)
    .select({ at: sql<number | null>`min(${supportTickets.slaDueAt})` })
    .from(supportTickets)
    .where(eq(supportTickets.orgId, orgId))
    .get();
  return row?.at ?? null;
}

export const slaBreachTask: ScheduledTask = async (env, at) => {
  await detectBreaches(env, at.getTime());
};
