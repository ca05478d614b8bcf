import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { hasTag, pageOf } from "../../platform/list";
import { supportTickets, type TicketViewFilters } from "../../../schema";
import { sortBy } from "../../platform/records";
import { searchTerms } from "../../platform/fts-query";
import { matchesAny } from "../../platform/like";
import { publicTicket } from "./ticket-events";
import type { SlaStateName } from "../../../schema";
import { slaCondition } from "../sla/sla";
import type { Ticket } from "./tickets";
import { visibleTickets, type TicketViewer } from "./ticket-visibility";

/** `relevance` ranks `q` matches best first (the default when `q` is given without a sort). */
export const TICKET_SORTS = ["number", "createdAt", "updatedAt", "priority", "status", "slaDueAt", "dueAt", "subject", "relevance"] as const;
export type TicketSort = (typeof TICKET_SORTS)[number] | `-${(typeof TICKET_SORTS)[number]}`;

export interface TicketQuery extends Omit<TicketViewFilters, "sla" | "sort"> {
  page: number;
  perPage: number;
  sort: TicketSort;
  sla?: SlaStateName;
  contactId?: string;
}

/** Priority sorts by urgency, not alphabetically. */
const priorityRank = sql`CASE ${supportTickets.priority} WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END`;

/**
 * The MATCH expression over support_tickets_fts (migration 0010): the
 * organization on org_id, every word as a quoted prefix of a word in the
 * subject, the details (description, requester, number) or the conversation
 * (replies and internal notes). Same quoting as worker/platform/fts-query.ts, so no
 * input reaches FTS5's query syntax.
 */
function ticketMatch(orgId: string, terms: string[]): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return [`org_id : ${quote(orgId)}`, ...terms.map((t) => `{name details comments} : ${quote(t)}*`)].join(" AND ");
}

/** `q`: each word as a prefix in subject, description, requester, number or any comment. */
function matchesText(orgId: string, q: string): SQL {
  const terms = searchTerms(q);
  if (terms.length === 0) return matchesAny(q, [supportTickets.subject, supportTickets.description]);
  return sql`${supportTickets}.rowid IN (SELECT rowid FROM support_tickets_fts WHERE support_tickets_fts MATCH ${ticketMatch(orgId, terms)})`;
}

/** bm25 rank (lower is better): subject 10, details 2, conversation 1; org_id 0 since every row matches it. */
function relevanceOf(orgId: string, q: string): SQL | null {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  return sql`(SELECT bm25(support_tickets_fts, 0.0, 10.0, 2.0, 1.0) FROM support_tickets_fts WHERE support_tickets_fts MATCH ${ticketMatch(orgId, terms)} AND support_tickets_fts.rowid = ${supportTickets}.rowid)`;
}

/**
 * One page of tickets the viewer may see (visibility.ts). `assigneeId` takes
 * a user id, "me" or "unassigned"; `status`, `priority` and `channel` take
 * several values. Merged tickets are left out unless `status` asks for
 * closed ones.
 */
export async function listTickets(db: Db, orgId: string, viewer: TicketViewer, q: TicketQuery, now = Date.now()) {
  const userId = viewer.userId;
  const assignee =
    q.assigneeId === "unassigned" ? isNull(supportTickets.assigneeId) : q.assigneeId ? eq(supportTickets.assigneeId, q.assigneeId === "me" ? userId : q.assigneeId) : undefined;
  const conditions = [
    eq(supportTickets.orgId, orgId),
    q.status?.length ? inArray(supportTickets.status, q.status as Ticket["status"][]) : undefined,
    q.status?.includes("closed") ? undefined : isNull(supportTickets.mergedIntoId),
    q.priority?.length ? inArray(supportTickets.priority, q.priority as Ticket["priority"][]) : undefined,
    q.channel?.length ? inArray(supportTickets.channel, q.channel as Ticket["channel"][]) : undefined,
    assignee,
    q.teamId ? eq(supportTickets.teamId, q.teamId) : undefined,
    q.contactId ? eq(supportTickets.contactId, q.contactId) : undefined,
    q.tag ? hasTag(supportTickets.tags, q.tag) : undefined,
    q.sla ? slaCondition(q.sla, now) : undefined,
    q.q?.trim() ? matchesText(orgId, q.q) : undefined,
    visibleTickets(orgId, viewer),
  ];
  const desc = q.sort.startsWith("-");
  const relevance = q.sort.replace("-", "") === "relevance" ? relevanceOf(orgId, q.q ?? "") : null;
  const key = q.sort.replace("-", "") === "relevance" && !relevance ? "-updatedAt" : q.sort;
  const order = relevance
    ? [sql`${relevance} ASC`, sql`${supportTickets.updatedAt} DESC`, sql`${supportTickets.id} DESC`]
    : key.replace("-", "") === "priority"
      ? [desc ? sql`${priorityRank} DESC` : sql`${priorityRank} ASC`, sql`${supportTickets.number} DESC`]
      : sortBy(
          key as Exclude<TicketSort, "priority" | "-priority" | "relevance" | "-relevance">,
          {
            number: supportTickets.number,
            createdAt: supportTickets.createdAt,
            updatedAt: supportTickets.updatedAt,
            status: supportTickets.status,
            slaDueAt: supportTickets.slaDueAt,
            dueAt: supportTickets.dueAt,
            subject: supportTickets.subject,
          },
          supportTickets.id,
        );
  const { rows, total } = await pageOf<Ticket>(db, supportTickets, conditions, order, q.page, q.perPage);
  return { rows: rows.map((r) => publicTicket(r, now)), total };
}
