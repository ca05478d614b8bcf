import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../lib/db";
import { hasTag, pageOf } from "../../lib/list";
import { supportTickets, type TicketViewFilters } from "../../../schema";
import { sortBy } from "../records";
import { matchExpression, searchTerms } from "../search";
import { matchesAny } from "../records";
import { publicTicket } from "./events";
import { slaCondition, type SlaStateName } from "./sla";
import type { Ticket } from "./tickets";

export const TICKET_SORTS = ["number", "createdAt", "updatedAt", "priority", "status", "slaDueAt", "dueAt", "subject"] as const;
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

/** `q`: each word as a prefix through support_tickets_fts (subject, description, requester, number). */
function matchesText(orgId: string, q: string): SQL {
  const terms = searchTerms(q);
  if (terms.length === 0) return matchesAny(q, [supportTickets.subject, supportTickets.description]);
  return sql`${supportTickets}.rowid IN (SELECT rowid FROM support_tickets_fts WHERE support_tickets_fts MATCH ${matchExpression(orgId, terms)})`;
}

/**
 * One page of tickets. `assigneeId` takes a user id, "me" or "unassigned";
 * `status`, `priority` and `channel` take several values. Merged tickets
 * are left out unless `status` asks for closed ones.
 */
export async function listTickets(db: Db, orgId: string, userId: string, q: TicketQuery, now = Date.now()) {
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
  ];
  const desc = q.sort.startsWith("-");
  const order =
    q.sort.replace("-", "") === "priority"
      ? [desc ? sql`${priorityRank} DESC` : sql`${priorityRank} ASC`, sql`${supportTickets.number} DESC`]
      : sortBy(
          q.sort as Exclude<TicketSort, "priority" | "-priority">,
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
