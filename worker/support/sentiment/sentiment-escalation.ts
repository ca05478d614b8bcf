import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { auditStatement } from "../../platform/audit-writer";
import { notify } from "../../notifications";
import { raiseInsight, resolveInsight } from "../../insights";
import { TICKET_PRIORITIES, type SentimentEscalationRule, type SentimentRollup, type SupportTicket } from "../../../schema";
import { getTeamRow } from "../tickets/ticket-assignment";
import { publishTicket } from "../tickets/ticket-events";
import { updateTicket } from "../tickets/tickets";
import { armSlaClock } from "../sla/sla-clock-arm";
import type { SupportActor } from "../sla/sla";

type EscalationEnv = Pick<Env, "DB" | "ORG_ROOM" | "SLA_CLOCK">;

const SYSTEM: SupportActor = { userId: null };

/** The message that tipped the conversation, cited as the escalation's evidence. */
export interface EscalationEvidence {
  commentId: string | null;
  quote: string;
}

export const escalationKey = (ticketId: string) => `ticket_escalation:sentiment:${ticketId}`;

/** The conversation came back above the threshold: its escalation insight leaves the inbox. */
export function recovered(rule: SentimentEscalationRule | null, before: SentimentRollup | null, after: SentimentRollup | null) {
  return !!rule?.enabled && !!before && !!after && before.score <= rule.threshold && after.score > rule.threshold;
}

export const resolveEscalation = (env: Pick<Env, "DB">, orgId: string, ticketId: string) => resolveInsight(orgDb(env, orgId), orgId, escalationKey(ticketId));

/** A transition, not a state: the rollup was above the threshold (or absent) and now is at or below it. */
export function turnedNegative(rule: SentimentEscalationRule | null, before: SentimentRollup | null, after: SentimentRollup | null) {
  if (!rule?.enabled || !after) return false;
  return after.score <= rule.threshold && (before === null || before.score > rule.threshold);
}

const QUOTE_CHARS = 280;
export const quoteOf = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS - 1)}…` : flat;
};

/**
 * The admin's rule, applied when a conversation turns negative: priority
 * one level up, the team lead told, a `ticket_escalation` insight citing
 * the message for everyone who may see the ticket, and the escalation
 * audited as the system's doing. Answers the ticket as it is afterwards.
 */
export async function escalateTicket(env: EscalationEnv, orgId: string, ticket: SupportTicket, rule: SentimentEscalationRule, evidence: EscalationEvidence) {
  const db = orgDb(env, orgId);
  let after = ticket;
  const next = TICKET_PRIORITIES[TICKET_PRIORITIES.indexOf(ticket.priority) + 1];
  if (rule.raisePriority && next && ticket.status !== "closed") {
    after = (await updateTicket(db, orgId, SYSTEM, ticket.id, { priority: next })).after;
  }
  const team = ticket.teamId ? await getTeamRow(db, orgId, ticket.teamId) : null;
  const leadUserId = rule.notifyTeamLead ? (team?.leadUserId ?? null) : null;
  await auditStatement(db, orgId, {
    actorId: null,
    action: "sentiment_escalation",
    entity: "ticket",
    entityId: ticket.id,
    changes: {
      score: after.sentiment?.score ?? null,
      threshold: rule.threshold,
      priority: after.priority !== ticket.priority ? { from: ticket.priority, to: after.priority } : undefined,
      notified: leadUserId ?? undefined,
      commentId: evidence.commentId ?? undefined,
    },
  });
  if (after !== ticket) {
    await publishTicket(env, orgId, "ticket_updated", after, null);
    await armSlaClock(env, orgId, after.slaDueAt);
  }
  if (leadUserId) {
    await notify(env, orgId, leadUserId, {
      type: "ticket_escalation",
      title: `Ticket #${ticket.number} turned negative`,
      body: `${ticket.subject}: “${evidence.quote}”`,
      link: `/support/tickets/${ticket.id}`,
      data: { ticketId: ticket.id, number: ticket.number, commentId: evidence.commentId, score: after.sentiment?.score ?? null },
    });
  }
  await raiseInsight(env, db, {
    orgId,
    kind: "ticket_escalation",
    record: { type: "ticket", id: ticket.id, title: `#${ticket.number} ${ticket.subject}` },
    headline: `#${ticket.number} turned negative: the customer's tone fell to ${after.sentiment?.score.toFixed(2) ?? "?"}`,
    evidence: [
      evidence.commentId
        ? { type: "comment", id: evidence.commentId, title: "Customer message", detail: evidence.quote }
        : { type: "ticket", id: ticket.id, title: `#${ticket.number} ${ticket.subject}`, detail: evidence.quote },
    ],
    dedupeKey: escalationKey(ticket.id),
    by: null,
  });
  return after;
}
