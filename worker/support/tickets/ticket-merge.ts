import { and, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { conflict, invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { supportAttachments, supportComments, supportTickets } from "../../../schema";
import { auditStatement } from "../../platform/audit-writer";
import { nextSlaDue, type SupportActor } from "../sla/sla";
import { requireTicket } from "./tickets";

/**
 * Merges `sourceId` into `intoId`: the source's comments and attachments move
 * to the target, its mail thread ids join the target's (so replies to the old
 * thread land on the target), and the source is closed and linked to it.
 * One batch: all of it happens or none.
 */
export async function mergeTickets(db: Db, orgId: string, actor: SupportActor, sourceId: string, intoId: string) {
  if (sourceId === intoId) throw invalid({ intoId: ["A ticket cannot be merged into itself"] });
  const source = await requireTicket(db, orgId, sourceId);
  const target = await requireTicket(db, orgId, intoId).catch(() => {
    throw invalid({ intoId: ["No such ticket in this organization"] });
  });
  if (source.status === "closed" || source.mergedIntoId) throw conflict("The ticket is already closed or merged");
  if (target.status === "closed") throw conflict("Cannot merge into a closed ticket");
  const now = Date.now();
  const messageIds = [...new Set([...target.emailMessageIds, ...source.emailMessageIds])];
  const note = (ticketId: string, body: string) => ({
    id: newId(),
    orgId,
    ticketId,
    kind: "internal" as const,
    authorType: "user" as const,
    authorId: actor.userId,
    authorEmail: null,
    authorName: null,
    body,
    bodyHtml: null,
    emailMessageId: null,
    createdAt: now,
  });
  const where = (table: typeof supportComments | typeof supportAttachments) => and(eq(table.orgId, orgId), eq(table.ticketId, sourceId));
  const sourceDone = { ...source, status: "closed" as const, closedAt: now, solvedAt: source.solvedAt ?? now, mergedIntoId: intoId };
  const [, , , , [after], [closed]] = await db.batch([
    db.update(supportComments).set({ ticketId: intoId }).where(where(supportComments)),
    db.update(supportAttachments).set({ ticketId: intoId }).where(where(supportAttachments)),
    db.insert(supportComments).values(note(intoId, `Ticket #${source.number} "${source.subject}" was merged into this ticket.\n\n${source.description}`.trim())),
    db.insert(supportComments).values(note(sourceId, `Merged into ticket #${target.number}.`)),
    db
      .update(supportTickets)
      .set({ emailMessageIds: messageIds, updatedAt: now, updatedBy: actor.userId })
      .where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, intoId)))
      .returning(),
    db
      .update(supportTickets)
      .set({ status: "closed", closedAt: now, solvedAt: sourceDone.solvedAt, mergedIntoId: intoId, slaDueAt: nextSlaDue(sourceDone), updatedAt: now, updatedBy: actor.userId })
      .where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.id, sourceId)))
      .returning(),
    auditStatement(db, orgId, { actorId: actor.userId, action: "merge", entity: "ticket", entityId: sourceId, changes: { intoId, intoNumber: target.number }, requestId: actor.requestId }),
    auditStatement(db, orgId, { actorId: actor.userId, action: "merge_in", entity: "ticket", entityId: intoId, changes: { fromId: sourceId, fromNumber: source.number }, requestId: actor.requestId }),
  ]);
  return { source: closed!, target: after!, before: { source, target } };
}
