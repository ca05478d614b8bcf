import { and, eq } from "drizzle-orm";
import type { Env } from "../../env";
import { orgDb } from "../../lib/db";
import { invalid } from "../../lib/errors";
import { supportAttachments, supportTickets } from "../../../schema";
import { auditStatement } from "../audit";
import { pickAssignee, getTeamRow } from "./assignment";
import { addComment, type CommentInput } from "./comments";
import { announceAssignment, publishTicket } from "./events";
import { mergeTickets } from "./merge";
import { queueReplyMail, type OutboundEnv } from "./outbound";
import { armSlaClock } from "./sla-clock";
import type { SupportActor } from "./sla";
import { createTicket, deleteTicket, requireTicket, updateTicket, type NewTicketInput, type Ticket, type TicketInput } from "./tickets";

/**
 * The ticket operations with their side effects: automatic assignment, room
 * events (`ticket_created`, `ticket_updated`, `ticket_assigned`),
 * notifications and the SLA clock. Routes and the email worker call these;
 * the plain `(db, orgId, ...)` services underneath only touch D1.
 */
type SupportEnv = Pick<Env, "DB" | "ORG_ROOM" | "SLA_CLOCK">;

/** Assigns by the team's rule when the ticket has a team and no assignee; answers the ticket as it is then. */
async function assignByRule(env: SupportEnv, orgId: string, actor: SupportActor, ticket: Ticket): Promise<Ticket> {
  if (ticket.assigneeId || !ticket.teamId || ticket.status === "closed" || ticket.status === "solved") return ticket;
  const db = orgDb(env, orgId);
  const team = await getTeamRow(db, orgId, ticket.teamId);
  if (!team) return ticket;
  const userId = await pickAssignee(db, orgId, team);
  if (!userId) return ticket;
  const now = Date.now();
  const [[after]] = await db.batch([
    db
      .update(supportTickets)
      .set({ assigneeId: userId, status: ticket.status === "new" ? "open" : ticket.status, updatedAt: now })
      .where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, ticket.id)))
      .returning(),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "assign",
      entity: "ticket",
      entityId: ticket.id,
      changes: { assigneeId: { from: null, to: userId }, rule: team.assignmentRule, teamId: team.id },
      requestId: actor.requestId,
    }),
  ]);
  return after!;
}

export async function openTicket(env: SupportEnv, orgId: string, actor: SupportActor, input: NewTicketInput) {
  const created = await createTicket(orgDb(env, orgId), orgId, actor, input);
  const ticket = await assignByRule(env, orgId, actor, created);
  await publishTicket(env, orgId, "ticket_created", ticket, actor.userId);
  if (ticket.assigneeId) await announceAssignment(env, orgId, ticket, null, actor.userId);
  await armSlaClock(env, orgId, ticket.slaDueAt);
  return ticket;
}

export async function changeTicket(env: SupportEnv, orgId: string, actor: SupportActor, id: string, input: TicketInput) {
  const { before, after: updated } = await updateTicket(orgDb(env, orgId), orgId, actor, id, input);
  if (updated === before) return updated;
  const teamMoved = input.teamId !== undefined && updated.teamId !== before.teamId && input.assigneeId === undefined;
  const after = teamMoved ? await assignByRule(env, orgId, actor, updated) : updated;
  await publishTicket(env, orgId, "ticket_updated", after, actor.userId);
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
  const cleared = previous ? { ...ticket, assigneeId: null } : ticket;
  const after = await assignByRule(env, orgId, actor, cleared);
  if (after === cleared) return { ticket, assigned: false };
  await publishTicket(env, orgId, "ticket_updated", after, actor.userId);
  await announceAssignment(env, orgId, after, previous, actor.userId);
  return { ticket: after, assigned: true };
}

/** A public agent reply on an email ticket is also queued for mailing (or marked not sent when no sender is configured). */
export async function commentOnTicket(env: SupportEnv & OutboundEnv, orgId: string, actor: SupportActor, ticketId: string, input: CommentInput) {
  const added = await addComment(orgDb(env, orgId), orgId, actor, ticketId, input);
  const result = { ...added, comment: await queueReplyMail(env, orgId, added.after, added.comment) };
  await publishTicket(env, orgId, "ticket_updated", result.after, actor.userId, { comment: result.comment });
  await armSlaClock(env, orgId, result.after.slaDueAt);
  return result;
}

export async function mergeTicket(env: SupportEnv & Pick<Env, "FILES">, orgId: string, actor: SupportActor, sourceId: string, intoId: string) {
  const { source, target } = await mergeTickets(orgDb(env, orgId), orgId, actor, sourceId, intoId);
  await publishTicket(env, orgId, "ticket_updated", source, actor.userId);
  await publishTicket(env, orgId, "ticket_updated", target, actor.userId);
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
}
