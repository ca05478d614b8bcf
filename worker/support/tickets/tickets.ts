import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { conflict, invalid, notFound } from "../../platform/errors";
import { newId, randomToken } from "../../platform/ids";
import { contacts, supportAttachments, supportComments, supportTickets, type TicketChannel, type TicketPriority, type TicketStatus } from "../../../schema";
import { auditStatement } from "../../platform/audit-writer";
import { changesOf, cleanTags, text } from "../../platform/records";
import { assertAssignable, getTeamRow } from "./ticket-assignment";
import { nextSlaDue, pauseChanges, slaTargets, type SupportActor } from "../sla/sla";

export type Ticket = typeof supportTickets.$inferSelect;

export interface TicketInput {
  subject?: string;
  description?: string;
  status?: TicketStatus;
  priority?: TicketPriority;
  channel?: TicketChannel;
  contactId?: string | null;
  requesterEmail?: string | null;
  requesterName?: string | null;
  assigneeId?: string | null;
  teamId?: string | null;
  tags?: string[];
  dueAt?: number | null;
  /** When the change happened; defaults to now (history imports set it). */
  at?: number;
}

export interface NewTicketInput extends TicketInput {
  id?: string;
  subject: string;
  /** Message-IDs of the mail that opened the ticket (email-to-ticket). */
  emailMessageIds?: string[];
  /** The Message-ID of the opening mail; a second ticket with it is refused by a unique index. */
  sourceMessageId?: string | null;
  /** When the ticket was opened; defaults to now (imports and tests may set it). */
  createdAt?: number;
}

/** Tickets are numbered per organization from 1001, like a help desk's "#1042". */
const FIRST_NUMBER = 1000;

export async function requireTicket(db: Db, orgId: string, id: string): Promise<Ticket> {
  const row = await db.select().from(supportTickets).where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, id))).get();
  if (!row) throw notFound("Ticket");
  return row;
}

async function linkValues(db: Db, orgId: string, input: TicketInput) {
  const values: Partial<Ticket> = {};
  if (input.subject !== undefined) {
    values.subject = input.subject.trim();
    if (!values.subject) throw invalid({ subject: ["Required"] });
  }
  if (input.description !== undefined) values.description = input.description;
  for (const key of ["status", "priority", "channel"] as const) if (input[key] !== undefined) (values as Record<string, unknown>)[key] = input[key];
  if (input.requesterEmail !== undefined) values.requesterEmail = text(input.requesterEmail)?.toLowerCase() ?? null;
  if (input.requesterName !== undefined) values.requesterName = text(input.requesterName);
  if (input.tags !== undefined) values.tags = cleanTags(input.tags);
  if (input.dueAt !== undefined) values.dueAt = input.dueAt;
  if (input.contactId !== undefined) {
    if (input.contactId) {
      const found = await db.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, input.contactId))).get();
      if (!found) throw invalid({ contactId: ["No such contact in this organization"] });
    }
    values.contactId = input.contactId;
  }
  if (input.teamId !== undefined) {
    if (input.teamId && !(await getTeamRow(db, orgId, input.teamId))) throw invalid({ teamId: ["No such team in this organization"] });
    values.teamId = input.teamId;
  }
  if (input.assigneeId !== undefined) {
    if (input.assigneeId) await assertAssignable(db, orgId, input.assigneeId);
    values.assigneeId = input.assigneeId;
  }
  return values;
}

/** Status side effects: solving stamps solvedAt, closing stamps closedAt, reopening clears both. */
function statusStamps(before: Pick<Ticket, "status" | "solvedAt">, status: TicketStatus | undefined, now: number): Partial<Ticket> {
  if (!status || status === before.status) return {};
  if (status === "solved") return { solvedAt: now, closedAt: null };
  if (status === "closed") return { closedAt: now, solvedAt: before.solvedAt ?? now };
  return { solvedAt: null, closedAt: null };
}

export async function createTicket(db: Db, orgId: string, actor: SupportActor, input: NewTicketInput): Promise<Ticket> {
  const values = await linkValues(db, orgId, input);
  if (!values.contactId && !values.requesterEmail && !actor.userId) {
    throw invalid({ requesterEmail: ["A ticket needs a contact or a requester email"] });
  }
  const now = input.createdAt ?? Date.now();
  const priority = values.priority ?? "normal";
  const status = values.status ?? (values.assigneeId ? "open" : "new");
  const targets = await slaTargets(db, orgId, priority, now);
  const base = {
    id: input.id ?? newId(),
    orgId,
    subject: values.subject!,
    description: values.description ?? "",
    status,
    priority,
    channel: values.channel ?? "web",
    contactId: values.contactId ?? null,
    requesterEmail: values.requesterEmail ?? null,
    requesterName: values.requesterName ?? null,
    assigneeId: values.assigneeId ?? null,
    teamId: values.teamId ?? null,
    tags: values.tags ?? [],
    dueAt: values.dueAt ?? null,
    ...targets,
    firstRespondedAt: null,
    firstResponseBreachedAt: null,
    resolutionBreachedAt: null,
    slaPausedAt: null,
    mergedIntoId: null,
    threadToken: randomToken(9),
    emailMessageIds: input.emailMessageIds ?? [],
    sourceMessageId: input.sourceMessageId ?? null,
    createdBy: actor.userId,
    updatedBy: actor.userId,
    createdAt: now,
    updatedAt: now,
    ...statusStamps({ status: "new", solvedAt: null }, status, now),
  };
  const slaDueAt = nextSlaDue(base);
  const number = sql<number>`(SELECT coalesce(max(${supportTickets.number}), ${FIRST_NUMBER}) + 1 FROM ${supportTickets} WHERE ${supportTickets.orgId} = ${orgId})`;
  const [[row]] = await db.batch([
    db.insert(supportTickets).values({ ...base, slaDueAt, number }).returning(),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "create",
      entity: "ticket",
      entityId: base.id,
      changes: { subject: base.subject, priority, channel: base.channel, status, assigneeId: base.assigneeId, teamId: base.teamId },
      requestId: actor.requestId,
    }),
  ]);
  return row!;
}

/**
 * Changes some fields. A closed (or merged) ticket is final: 409. A priority
 * change re-times the SLA from the ticket's creation under the new policy.
 * Answers both versions so callers can announce what changed.
 */
export async function updateTicket(db: Db, orgId: string, actor: SupportActor, id: string, input: TicketInput) {
  const before = await requireTicket(db, orgId, id);
  if (before.status === "closed") throw conflict("The ticket is closed; open a follow-up ticket instead");
  const values = await linkValues(db, orgId, input);
  const now = input.at ?? Date.now();
  // Handing a new ticket to someone opens it, unless the caller set a status too.
  if (values.assigneeId && before.status === "new" && values.status === undefined) values.status = "open";
  Object.assign(values, statusStamps(before, values.status, now));
  if (values.status) Object.assign(values, await pauseChanges(db, orgId, before, values.status, now));
  if (values.priority && values.priority !== before.priority) {
    Object.assign(values, await slaTargets(db, orgId, values.priority, before.createdAt));
    values.firstResponseBreachedAt = null;
    values.resolutionBreachedAt = null;
  }
  const changes = changesOf(before, values);
  if (Object.keys(changes).length === 0) return { before, after: before };
  const merged = { ...before, ...values };
  const next = { ...values, slaDueAt: nextSlaDue(merged), updatedBy: actor.userId, updatedAt: now };
  const [[after]] = await db.batch([
    db.update(supportTickets).set(next).where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, id))).returning(),
    auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "ticket", entityId: id, changes, requestId: actor.requestId }),
  ]);
  return { before, after: after! };
}

export async function deleteTicket(db: Db, orgId: string, actor: SupportActor, id: string) {
  const ticket = await requireTicket(db, orgId, id);
  await db.batch([
    db.delete(supportTickets).where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, id))),
    db.delete(supportComments).where(and(eq(supportComments.orgId, orgId), eq(supportComments.ticketId, id))),
    db.delete(supportAttachments).where(and(eq(supportAttachments.orgId, orgId), eq(supportAttachments.ticketId, id))),
    auditStatement(db, orgId, { actorId: actor.userId, action: "delete", entity: "ticket", entityId: id, changes: { number: ticket.number, subject: ticket.subject }, requestId: actor.requestId }),
  ]);
  return ticket;
}
