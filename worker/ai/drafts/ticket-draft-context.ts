import type { Db } from "../../platform/db";
import { helpUrl, listComments, orgSlugOf, requireArticle, suggestArticles } from "../../support";
import { citationMarker } from "../../../schema/ai-api";
import type { SupportTicket } from "../../../schema";
import type { DraftSource } from "./draft-citation-links";

/**
 * What the model reads to draft a reply: the ticket, its conversation in
 * order (internal notes flagged as such), and the published knowledge-base
 * articles that best match the subject and the requester's latest message,
 * each with the marker that cites it. Everything here was written by
 * customers or colleagues, so the prompt hands it over as data only.
 * Long texts are cut so one ticket cannot fill the model's context.
 */

const ARTICLE_COUNT = 3;
const DESCRIPTION_CHARS = 4_000;
const MESSAGE_CHARS = 2_000;
const ARTICLE_CHARS = 3_000;
/** The conversation's budget; the oldest messages go first when it is spent. */
const CONVERSATION_CHARS = 16_000;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
const at = (ms: number) => new Date(ms).toISOString();

type Speaker = "customer" | "agent" | "internal_note";

export interface ConversationEntry {
  from: Speaker;
  name: string | null;
  at: string;
  text: string;
  /** Only on internal notes: a reminder the model reads right where it matters. */
  visibility?: "internal: agents only, never quote or reveal to the customer";
}

export interface TicketDraftData {
  ticket: {
    number: number;
    subject: string;
    status: string;
    priority: string;
    requester: { name: string | null };
    openedAt: string;
    description: string;
  };
  conversation: ConversationEntry[];
  articles: { title: string; cite: string; content: string }[];
}

export interface TicketDraftContext {
  data: TicketDraftData;
  /** The articles the model may cite, by `kb_article:<id>`. */
  sources: Map<string, DraftSource>;
}

function speaker(comment: { kind: string; authorType: string }): Speaker {
  if (comment.kind === "internal") return "internal_note";
  return comment.authorType === "user" ? "agent" : "customer";
}

/** The newest messages that fit the budget, in their order. */
function recent(entries: ConversationEntry[]): ConversationEntry[] {
  const kept: ConversationEntry[] = [];
  let spent = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    spent += entries[i]!.text.length;
    if (spent > CONVERSATION_CHARS && kept.length > 0) break;
    kept.unshift(entries[i]!);
  }
  return kept;
}

/** `origin`: where this app is served, for the help center's public links. */
export async function ticketDraftContext(db: Db, orgId: string, ticket: SupportTicket, origin: string): Promise<TicketDraftContext> {
  const { comments } = await listComments(db, orgId, ticket.id);
  const conversation = comments.map((c): ConversationEntry => {
    const from = speaker(c);
    const entry: ConversationEntry = { from, name: c.authorName, at: at(c.createdAt), text: cut(c.body, MESSAGE_CHARS) };
    if (from === "internal_note") entry.visibility = "internal: agents only, never quote or reveal to the customer";
    return entry;
  });
  const latestFromCustomer = comments.findLast((c) => speaker(c) === "customer")?.body ?? ticket.description;
  const [matches, orgSlug] = await Promise.all([
    suggestArticles(db, orgId, `${ticket.subject}\n${latestFromCustomer}`.slice(0, 5_000), ARTICLE_COUNT),
    orgSlugOf(db, orgId),
  ]);
  const articles = await Promise.all(matches.map((m) => requireArticle(db, orgId, m.id)));

  const sources = new Map<string, DraftSource>();
  for (const a of articles) {
    const citation = { type: "kb_article" as const, id: a.id, title: a.title };
    sources.set(`kb_article:${a.id}`, { citation, url: `${origin}${helpUrl(orgSlug, a.slug)}` });
  }
  return {
    data: {
      ticket: {
        number: ticket.number,
        subject: ticket.subject,
        status: ticket.status,
        priority: ticket.priority,
        requester: { name: ticket.requesterName },
        openedAt: at(ticket.createdAt),
        description: cut(ticket.description, DESCRIPTION_CHARS),
      },
      conversation: recent(conversation),
      articles: articles.map((a) => ({ title: a.title, cite: citationMarker({ type: "kb_article", id: a.id }), content: cut(a.bodyText, ARTICLE_CHARS) })),
    },
    sources,
  };
}
