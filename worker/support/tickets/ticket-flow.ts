import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { OPEN_TICKET_STATUSES, supportAttachments, supportTickets } from "../../../schema";
import { auditStatementIf } from "../../platform/audit-writer";
import { pickAssignee, getTeamRow } from "./ticket-assignment";
import { addComment, type CommentInput } from "./ticket-comments";
import { announceAssignment, publishTicket } from "./ticket-events";
import { publishTicketChange } from "./ticket-domain-events";
import { mergeTickets } from "./ticket-merge";
import { queueReplyMail, type OutboundEnv } from "../email/outbound-mail";
import { armSlaClock } from "../sla/sla-clock-arm";
import type { SupportActor } from "../sla/sla";
import { followUpCustomerMessage, isCustomerAuthor, judgeInline, storeOpeningSentiment } from "../sentiment/ticket-sentiment";
import { createTicket, deleteTicket, requireTicket, updateTicket, type NewTicketInput, type Ticket, type TicketInput } from "./tickets";

/**
 * The ticket operations with their side effects: automatic assignment, room
 * events (`ticket_created`, `ticket_updated`, `ticket_assigned`),
 * notifications and the SLA clock. Routes and the email worker call these;
 * the plain `(db, orgId, ...)` services underneath only touch D1.
 */
type SupportEnv = Pick<Env, "DB" | "ORG_ROOM" | "SLA_CLOCK" | "JOBS">;

/**
 * Assigns by the team's rule when the ticket has a team and no assignee
 * (`replacing`: re-assigns away from that assignee); answers the ticket as it
 * is then and whether this call assigned it. The write only lands while
 * the ticket still has the assignee we expect and is open, so two racing
 * assigners (a new ticket, an agent becoming available) never both hand it
 * out: the loser re-reads and answers the winner's ticket.
 */
export async function assignByRule(
  env: SupportEnv,
  orgId: string,
  actor: SupportActor,
  ticket: Ticket,
  replacing: string | null = null,
): Promise<{ ticket: Ticket; assigned: boolean }> {
  const unchanged = { ticket, assigned: false };
  if ((ticket.assigneeId && ticket.assigneeId !== replacing) || !ticket.teamId || ticket.status === "closed" || ticket.status === "solved") return unchanged;
  const db = orgDb(env, orgId);
  const team = await getTeamRow(db, orgId, ticket.teamId);
  if (!team) return unchanged;
  const userId = await pickAssignee(db, orgId, team);
  if (!userId) return unchanged;
  const now = Date.now();
  const [[after]] = await db.batch([
    db
      .update(supportTickets)
      .set({ assigneeId: userId, status: sql`CASE ${supportTickets.status} WHEN 'new' THEN 'open' ELSE ${supportTickets.status} END`, updatedAt: now })
      .where(
        and(
          eq(supportTickets.orgId, orgId),
          eq(supportTickets.id, ticket.id),
          replacing ? eq(supportTickets.assigneeId, replacing) : isNull(supportTickets.assigneeId),
          inArray(supportTickets.status, [...OPEN_TICKET_STATUSES]),
        ),
      )
      .returning(),
    auditStatementIf(
      db,
      orgId,
      {
        actorId: actor.userId,
        action: "assign",
        entity: "ticket",
        entityId: ticket.id,
        changes: { assigneeId: { from: replacing, to: userId }, rule: team.assignmentRule, teamId: team.id },
        requestId: actor.requestId,
      },
      sql`changes() > 0`,
    ),
  ]);
  return after ? { ticket: after, assigned: true } : { ticket: await requireTicket(db, orgId, ticket.id), assigned: false };
}

/** Judging needs the queue: a remote sentiment model judges customer messages in a job. */
type CustomerMessageEnv = SupportEnv & Pick<Env, "JOBS">;

/** A ticket the system opens (inbound mail, the help center) was written by the customer: its description is judged like a reply. */
export async function openTicket(env: CustomerMessageEnv, orgId: string, actor: SupportActor, input: NewTicketInput) {
  const db = orgDb(env, orgId);
  let created = await createTicket(db, orgId, actor, input);
  const opening = actor.userId === null && created.description.trim() ? await judgeInline(db, orgId, created.description) : null;
  if (opening?.judged) created = await storeOpeningSentiment(db, orgId, created, opening.judged);
  let { ticket } = await assignByRule(env, orgId, actor, created);
  await publishTicket(env, orgId, "ticket_created", ticket, actor.userId);
  await publishTicketChange(env, orgId, actor, "ticket.created", ticket);
  if (ticket.assigneeId) await announceAssignment(env, orgId, ticket, null, actor.userId);
  await armSlaClock(env, orgId, ticket.slaDueAt);
  if (opening) {
    ticket = await followUpCustomerMessage(env, orgId, opening.settings, {
      before: null, after: ticket, commentId: null, text: ticket.description, judgedInline: opening.judged !== null,
    });
  }
  return ticket;
}

export async function changeTicket(env: SupportEnv, orgId: string, actor: SupportActor, id: string, input: TicketInput) {
  const { before, after: updated } = await updateTicket(orgDb(env, orgId), orgId, actor, id, input);
  if (updated === before) return updated;
  const teamMoved = input.teamId !== undefined && updated.teamId !== before.teamId && input.assigneeId === undefined;
  const after = teamMoved ? (await assignByRule(env, orgId, actor, updated)).ticket : updated;
  await publishTicket(env, orgId, "ticket_updated", after, actor.userId, {}, before);
  await publishTicketChange(env, orgId, actor, "ticket.updated", after, before);
  if (after.assigneeId && after.assigneeId !== before.assigneeId) await announceAssignment(env, orgId, after, before.assigneeId, actor.userId);
  await armSlaClock(env, orgId, after.slaDueAt);
  return after;
}

/** POST /:id/assign: the team's rule picks an available agent now (the ticket's team, or `teamId`). */
export async function autoAssign(env: SupportEnv, orgId: string, actor: SupportActor, id: string, teamId?: string) {
  const db = orgDb(env, orgId);
  let ticket = await requireTicket(db, orgId, id);
  if (teamId && teamId !== ticket.teamId) ticket = (await updateTicket(db, orgId, actor, id, { teamId })).after;
  if (!ticket.teamId) throw invalid({ teamId: ["The ticket has no team to assign from"] });
  const previous = ticket.assigneeId;
  const { ticket: after, assigned } = await assignByRule(env, orgId, actor, ticket, previous);
  if (!assigned) return { ticket: after, assigned: false };
  await publishTicket(env, orgId, "ticket_updated", after, actor.userId, {}, ticket);
  await publishTicketChange(env, orgId, actor, "ticket.updated", after, ticket);
  await announceAssignment(env, orgId, after, previous, actor.userId);
  return { ticket: after, assigned: true };
}

/** A public agent reply on an email ticket is also queued for mailing (or marked not sent when no sender is configured). */
export async function commentOnTicket(env: CustomerMessageEnv & OutboundEnv, orgId: string, actor: SupportActor, ticketId: string, input: CommentInput) {
  const db = orgDb(env, orgId);
  const customer = isCustomerAuthor(input.authorType) && input.body.trim() ? await judgeInline(db, orgId, input.body) : null;
  const added = await addComment(db, orgId, actor, ticketId, input, customer?.judged ?? null);
  const result = { ...added, comment: await queueReplyMail(env, orgId, added.after, added.comment) };
  await publishTicket(env, orgId, "ticket_updated", result.after, actor.userId, { comment: result.comment });
  if (result.after.updatedAt !== added.before.updatedAt) await publishTicketChange(env, orgId, actor, "ticket.updated", result.after, added.before);
  await armSlaClock(env, orgId, result.after.slaDueAt);
  if (customer) {
    result.after = await followUpCustomerMessage(env, orgId, customer.settings, {
      before: added.before, after: result.after, commentId: result.comment.id, text: result.comment.body, judgedInline: customer.judged !== null,
    });
  }
  return result;
}

export async function mergeTicket(env: SupportEnv & Pick<Env, "FILES">, orgId: string, actor: SupportActor, sourceId: string, intoId: string) {
  const { source, target, before } = await mergeTickets(orgDb(env, orgId), orgId, actor, sourceId, intoId);
  await publishTicket(env, orgId, "ticket_updated", source, actor.userId);
  await publishTicket(env, orgId, "ticket_updated", target, actor.userId);
  const merge = { merge: { sourceId, intoId } };
  await publishTicketChange(env, orgId, actor, "ticket.updated", source, before.source, merge);
  await publishTicketChange(env, orgId, actor, "ticket.updated", target, before.target, merge);
  return { source, target };
}

/** Deletes a ticket with its comments, attachment rows and the files in R2. */
export async function removeTicket(env: SupportEnv & Pick<Env, "FILES">, orgId: string, actor: SupportActor, id: string) {
  const db = orgDb(env, orgId);
  const files = await db
    .select({ key: supportAttachments.r2Key })
    .from(supportAttachments)
    .where(and(eq(supportAttachments.orgId, orgId), eq(supportAttachments.ticketId, id)));
  const ticket = await deleteTicket(db, orgId, actor, id);
  if (files.length) await env.FILES.delete(files.map((f) => f.key));
  await publishTicket(env, orgId, "ticket_updated", ticket, actor.userId, { deleted: true });
  await publishTicketChange(env, orgId, actor, "ticket.deleted", ticket);
}
