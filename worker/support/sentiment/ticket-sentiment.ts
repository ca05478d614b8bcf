import { and, eq, isNull, sql } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb, type Db } from "../../platform/db";
import { enqueue } from "../../platform/job-queue";
import { foldSentiment, judgeNow } from "../../sentiment";
import { supportComments, supportSettings, supportTickets, type Sentiment, type SentimentEscalationRule, type SupportTicket } from "../../../schema";
import { TICKET_SENTIMENT_JOB, type TicketSentimentJob } from "../../../schema/jobs";
import { publishTicket } from "../tickets/ticket-events";
import { publicComment } from "../tickets/ticket-comments";
import { getSupportSettings } from "../support-settings";
import { escalateTicket, quoteOf, recovered, resolveEscalation, turnedNegative } from "./sentiment-escalation";

/**
 * Sentiment on the customer side of a ticket: every message a customer
 * wrote (the one that opened it by mail or the help center, each reply by
 * mail) is judged and folded into the ticket's rollup. The embedded model
 * judges inline, inside the write; a remote model judges afterwards in a
 * queue job (TICKET_SENTIMENT_JOB, handled by the AI layer). Either way a
 * rollup crossing the admin's threshold escalates the ticket once.
 */

type SentimentEnv = Pick<Env, "DB" | "ORG_ROOM" | "SLA_CLOCK" | "JOBS">;
type Settings = typeof supportSettings.$inferSelect;

export const isCustomerAuthor = (authorType: string | undefined) => authorType === "contact" || authorType === "email";

/** The organization's settings and, when it judges with the embedded model, the judgment; null means a remote model will judge later. */
export async function judgeInline(db: Db, orgId: string, text: string): Promise<{ settings: Settings; judged: Sentiment | null }> {
  const settings = await getSupportSettings(db, orgId);
  return { settings, judged: settings.sentimentModel === "embedded" ? judgeNow(text) : null };
}

/** The opening message's judgment, folded into a ticket that has just been created (nothing else has touched its rollup yet). */
export async function storeOpeningSentiment(db: Db, orgId: string, ticket: SupportTicket, judged: Sentiment) {
  const sentiment = foldSentiment(null, judged, ticket.createdAt);
  const [after] = await db
    .update(supportTickets)
    .set({ sentiment })
    .where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, ticket.id)))
    .returning();
  return after ?? ticket;
}

/** After a customer message is written: escalate when the inline judgment tipped the rollup, or hand the message to the remote model. */
export async function followUpCustomerMessage(
  env: SentimentEnv,
  orgId: string,
  settings: Settings,
  change: { before: SupportTicket | null; after: SupportTicket; commentId: string | null; text: string; judgedInline: boolean },
) {
  if (!change.judgedInline) {
    const job: TicketSentimentJob = { type: TICKET_SENTIMENT_JOB, orgId, ticketId: change.after.id, commentId: change.commentId };
    await enqueue(env, job);
    return change.after;
  }
  return escalateIfTurned(env, orgId, settings.sentimentEscalation, change.before?.sentiment ?? null, change.after, change.commentId, change.text);
}

async function escalateIfTurned(
  env: SentimentEnv,
  orgId: string,
  rule: SentimentEscalationRule | null,
  before: SupportTicket["sentiment"],
  after: SupportTicket,
  commentId: string | null,
  text: string,
) {
  if (recovered(rule, before, after.sentiment)) await resolveEscalation(env, orgId, after.id);
  if (!rule || !turnedNegative(rule, before, after.sentiment)) return after;
  return escalateTicket(env, orgId, after, rule, { commentId, quote: quoteOf(text) });
}

/** The text of a customer message a remote model is to judge, or null when it is gone or already judged. */
export async function customerMessageText(env: Pick<Env, "DB">, orgId: string, ticketId: string, commentId: string | null) {
  const db = orgDb(env, orgId);
  if (commentId) {
    const comment = await db
      .select({ body: supportComments.body, sentiment: supportComments.sentiment, authorType: supportComments.authorType })
      .from(supportComments)
      .where(and(eq(supportComments.orgId, orgId), eq(supportComments.id, commentId), eq(supportComments.ticketId, ticketId)))
      .get();
    return comment && !comment.sentiment && isCustomerAuthor(comment.authorType) ? comment.body : null;
  }
  const ticket = await db
    .select({ description: supportTickets.description, sentiment: supportTickets.sentiment })
    .from(supportTickets)
    .where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, ticketId)))
    .get();
  return ticket && !ticket.sentiment && ticket.description.trim() ? `${ticket.description}` : null;
}

const MAX_FOLD_ATTEMPTS = 5;

/**
 * A remote model's judgment of one customer message: stored on the comment
 * (once: a second delivery of the job finds it judged and does nothing),
 * folded into the rollup with a compare-and-set on the message count so two
 * judgments landing together both count, then published and, when the
 * rollup crossed the threshold, escalated.
 */
export async function applyTicketSentiment(env: SentimentEnv, orgId: string, ticketId: string, commentId: string | null, judged: Sentiment) {
  const db = orgDb(env, orgId);
  let at: number | null = null;
  let comment: typeof supportComments.$inferSelect | undefined;
  if (commentId) {
    [comment] = await db
      .update(supportComments)
      .set({ sentiment: judged })
      .where(and(eq(supportComments.orgId, orgId), eq(supportComments.id, commentId), isNull(supportComments.sentiment)))
      .returning();
    if (!comment) return null;
    at = comment.createdAt;
  }
  for (let attempt = 0; attempt < MAX_FOLD_ATTEMPTS; attempt++) {
    const before = await db.select().from(supportTickets).where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, ticketId))).get();
    if (!before) return null;
    if (!commentId && before.sentiment) return null;
    const sentiment = foldSentiment(before.sentiment, judged, at ?? before.createdAt);
    const [after] = await db
      .update(supportTickets)
      .set({ sentiment })
      .where(
        and(
          eq(supportTickets.orgId, orgId),
          eq(supportTickets.id, ticketId),
          sql`coalesce(json_extract(${supportTickets.sentiment}, '$.messages'), 0) = ${before.sentiment?.messages ?? 0}`,
        ),
      )
      .returning();
    if (!after) continue;
    await publishTicket(env, orgId, "ticket_updated", after, null, comment ? { comment: publicComment(comment) } : {});
    const settings = await getSupportSettings(db, orgId);
    const text = comment?.body ?? before.description;
    return escalateIfTurned(env, orgId, settings.sentimentEscalation, before.sentiment, after, commentId, text);
  }
  throw new Error(`Ticket ${ticketId}'s sentiment kept changing under ${MAX_FOLD_ATTEMPTS} attempts`);
}
