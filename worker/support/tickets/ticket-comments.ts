import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { conflict, invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { supportAttachments, supportComments, supportTickets, users, type Sentiment } from "../../../schema";
import { foldSentiment } from "../../sentiment";
import { auditStatement } from "../../platform/audit-writer";
import { nextSlaDue, pauseChanges, type SupportActor } from "../sla/sla";
import { requireTicket, type Ticket } from "./tickets";

export type Comment = typeof supportComments.$inferSelect;

export interface CommentInput {
  kind: "public" | "internal";
  body: string;
  /** Already sanitized HTML (the email helper sanitizes mail bodies); never rendered unsanitized. */
  bodyHtml?: string | null;
  /** Defaults to the acting user. "contact"/"email": the requester wrote (inbound mail). */
  authorType?: "user" | "contact" | "email";
  authorId?: string | null;
  authorEmail?: string | null;
  authorName?: string | null;
  emailMessageId?: string | null;
  createdAt?: number;
}

/**
 * Adds a reply or an internal note. The first public reply by an agent stamps
 * firstRespondedAt (stopping the first-response clock) and opens a new
 * ticket; a requester writing on a pending or solved ticket reopens it.
 * A closed ticket takes no more comments (409). `judged`: a customer
 * message's sentiment, stored with it and folded into the ticket's rollup
 * in the same write.
 */
export async function addComment(db: Db, orgId: string, actor: SupportActor, ticketId: string, input: CommentInput, judged: Sentiment | null = null) {
  const ticket = await requireTicket(db, orgId, ticketId);
  if (ticket.status === "closed") throw conflict("The ticket is closed; open a follow-up ticket instead");
  const body = input.body.trim();
  if (!body) throw invalid({ body: ["Required"] });
  const authorType = input.authorType ?? "user";
  if (authorType === "user" && !(input.authorId ?? actor.userId)) throw invalid({ authorId: ["A user comment needs an author"] });
  if (authorType !== "user" && input.kind === "internal") throw invalid({ kind: ["Requesters cannot write internal notes"] });
  const now = input.createdAt ?? Date.now();
  const comment: Comment = {
    id: newId(),
    orgId,
    ticketId,
    kind: input.kind,
    authorType,
    authorId: input.authorId ?? (authorType === "user" ? actor.userId : null),
    authorEmail: input.authorEmail ?? null,
    authorName: input.authorName ?? null,
    body,
    bodyHtml: input.bodyHtml ?? null,
    emailMessageId: input.emailMessageId ?? null,
    deliveryStatus: null,
    deliveryError: null,
    deliveryAttempts: 0,
    deliveredAt: null,
    sentiment: authorType === "user" ? null : judged,
    createdAt: now,
  };
  const patch: Partial<Ticket> = { updatedAt: now };
  if (comment.sentiment) patch.sentiment = foldSentiment(ticket.sentiment, comment.sentiment, now);
  if (input.kind === "public" && authorType === "user") {
    if (ticket.firstRespondedAt === null) patch.firstRespondedAt = now;
    if (ticket.status === "new") patch.status = "open";
  }
  if (authorType !== "user" && (ticket.status === "pending" || ticket.status === "solved")) {
    Object.assign(patch, { status: "open", solvedAt: null }, await pauseChanges(db, orgId, ticket, "open", now));
  }
  if (comment.emailMessageId && !ticket.emailMessageIds.includes(comment.emailMessageId)) {
    patch.emailMessageIds = [...ticket.emailMessageIds, comment.emailMessageId];
  }
  patch.slaDueAt = nextSlaDue({ ...ticket, ...patch });
  const [, [after]] = await db.batch([
    db.insert(supportComments).values(comment),
    db.update(supportTickets).set(patch).where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, ticketId))).returning(),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: input.kind === "public" ? "reply" : "note",
      entity: "ticket",
      entityId: ticketId,
      changes: { commentId: comment.id, authorType, status: patch.status ? { from: ticket.status, to: patch.status } : undefined },
      requestId: actor.requestId,
    }),
  ]);
  return { comment: publicComment(comment), before: ticket, after: after! };
}

export const publicComment = ({ orgId: _o, ...rest }: Comment) => rest;

/** A ticket's conversation in order, each comment with its author's name and its attachments. */
export async function listComments(db: Db, orgId: string, ticketId: string) {
  const [rows, files] = await Promise.all([
    db
      .select({ comment: supportComments, userName: users.name })
      .from(supportComments)
      .leftJoin(users, eq(users.id, supportComments.authorId))
      .where(and(eq(supportComments.orgId, orgId), eq(supportComments.ticketId, ticketId)))
      .orderBy(asc(supportComments.createdAt), asc(supportComments.id)),
    listAttachments(db, orgId, ticketId),
  ]);
  return {
    comments: rows.map(({ comment, userName }) => ({
      ...publicComment(comment),
      authorName: comment.authorName ?? userName ?? null,
      attachments: files.filter((f) => f.commentId === comment.id),
    })),
    attachments: files,
  };
}

export async function listAttachments(db: Db, orgId: string, ticketId: string) {
  const rows = await db
    .select()
    .from(supportAttachments)
    .where(and(eq(supportAttachments.orgId, orgId), eq(supportAttachments.ticketId, ticketId)))
    .orderBy(asc(supportAttachments.createdAt));
  return rows.map(({ orgId: _o, r2Key: _k, ...rest }) => ({ ...rest, url: `/api/support/attachments/${rest.id}` }));
}
