import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { supportTickets } from "../../../schema";
import type { Ticket } from "../tickets/tickets";

/**
 * Mail threading for email-to-ticket. Outbound subjects carry a tag such as
 * `[#1042-Ab3dEf9hIj0k]` (number and the ticket's random thread token, so it
 * cannot be guessed); inbound replies are matched by their In-Reply-To /
 * References ids against the ticket's `emailMessageIds`, then by the tag.
 */
export const subjectTag = (t: Pick<Ticket, "number" | "threadToken">) => `[#${t.number}-${t.threadToken}]`;

const TAG = /\[#(\d+)-([A-Za-z0-9_-]{8,32})\]/;

/** Message-IDs are stored trimmed and in angle brackets, so "<a@b>" and "a@b" match. */
export const normalizeMessageId = (id: string) => {
  const t = id.trim();
  return t.startsWith("<") ? t : `<${t}>`;
};

export async function findTicketForMail(db: Db, orgId: string, mail: { messageIds: string[]; subject?: string | null }): Promise<Ticket | null> {
  const ids = [...new Set(mail.messageIds.map(normalizeMessageId))].slice(0, 50);
  if (ids.length) {
    const byId = await db
      .select()
      .from(supportTickets)
      .where(
        and(
          eq(supportTickets.orgId, orgId),
          sql`EXISTS (SELECT 1 FROM json_each(${supportTickets.emailMessageIds}) WHERE json_each.value IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}))`,
        ),
      )
      .orderBy(sql`${supportTickets.updatedAt} DESC`)
      .get();
    if (byId) return byId;
  }
  const tag = mail.subject?.match(TAG);
  if (!tag) return null;
  const byTag = await db
    .select()
    .from(supportTickets)
    .where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.threadToken, tag[2]!), eq(supportTickets.number, Number(tag[1]))))
    .get();
  return byTag ?? null;
}

/** Remembers more Message-IDs of a ticket's thread (an outbound reply's own id, say). */
export async function addMessageIds(db: Db, orgId: string, ticketId: string, messageIds: string[]) {
  const row = await db.select({ ids: supportTickets.emailMessageIds }).from(supportTickets).where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, ticketId))).get();
  if (!row) return;
  const next = [...new Set([...row.ids, ...messageIds.map(normalizeMessageId)])];
  if (next.length === row.ids.length) return;
  await db.update(supportTickets).set({ emailMessageIds: next }).where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, ticketId)));
}
