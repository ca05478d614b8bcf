import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { supportViews, type TicketViewFilters } from "../../../schema";
import { auditStatement, auditStatementIf } from "../../platform/audit-writer";
import type { SupportActor } from "../sla/sla";

/** Views every member has; their ids are fixed so the app can link to them. */
export const BUILT_IN_VIEWS = [
  { id: "my-open", name: "My open tickets", builtIn: true, filters: { assigneeId: "me", status: ["new", "open", "pending", "on_hold"], sort: "slaDueAt" } },
  { id: "breaching-soon", name: "Breaching soon", builtIn: true, filters: { sla: "breaching_soon", sort: "slaDueAt" } },
  { id: "unassigned", name: "Unassigned", builtIn: true, filters: { assigneeId: "unassigned", status: ["new", "open", "pending", "on_hold"], sort: "-createdAt" } },
] as const satisfies { id: string; name: string; builtIn: true; filters: TicketViewFilters }[];

const publicView = ({ orgId: _o, ...rest }: typeof supportViews.$inferSelect) => ({ ...rest, builtIn: false });

export async function listViews(db: Db, orgId: string, userId: string) {
  const own = await db
    .select()
    .from(supportViews)
    .where(and(eq(supportViews.orgId, orgId), eq(supportViews.userId, userId)))
    .orderBy(asc(supportViews.name));
  return [...BUILT_IN_VIEWS, ...own.map(publicView)];
}

/** A built-in view, or one of the caller's own; anyone else's answers 404. */
export async function getView(db: Db, orgId: string, userId: string, id: string): Promise<{ id: string; name: string; filters: TicketViewFilters }> {
  const builtIn = BUILT_IN_VIEWS.find((v) => v.id === id);
  if (builtIn) return builtIn as unknown as { id: string; name: string; filters: TicketViewFilters };
  const row = await db.select().from(supportViews).where(and(eq(supportViews.orgId, orgId), eq(supportViews.userId, userId), eq(supportViews.id, id))).get();
  if (!row) throw notFound("View");
  return publicView(row);
}

export async function createView(db: Db, orgId: string, actor: SupportActor & { userId: string }, input: { name: string; filters: TicketViewFilters }) {
  const now = Date.now();
  const row = { id: newId(), orgId, userId: actor.userId, name: input.name.trim(), filters: input.filters, createdAt: now, updatedAt: now };
  await db.batch([
    db.insert(supportViews).values(row),
    auditStatement(db, orgId, { actorId: actor.userId, action: "create", entity: "support_view", entityId: row.id, changes: { name: row.name }, requestId: actor.requestId }),
  ]);
  return publicView(row);
}

export async function updateView(db: Db, orgId: string, actor: SupportActor & { userId: string }, id: string, input: { name?: string; filters?: TicketViewFilters }) {
  const before = await getView(db, orgId, actor.userId, id);
  if (BUILT_IN_VIEWS.some((v) => v.id === id)) throw notFound("View");
  const set = { ...(input.name ? { name: input.name.trim() } : {}), ...(input.filters ? { filters: input.filters } : {}), updatedAt: Date.now() };
  const [[row]] = await db.batch([
    db.update(supportViews).set(set).where(and(eq(supportViews.orgId, orgId), eq(supportViews.id, before.id))).returning(),
    auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "support_view", entityId: id, changes: { ...input }, requestId: actor.requestId }),
  ]);
  return publicView(row!);
}

export async function deleteView(db: Db, orgId: string, actor: SupportActor & { userId: string }, id: string) {
  const [gone] = await db.batch([
    db.delete(supportViews).where(and(eq(supportViews.orgId, orgId), eq(supportViews.userId, actor.userId), eq(supportViews.id, id))).returning({ id: supportViews.id }),
    auditStatementIf(db, orgId, { actorId: actor.userId, action: "delete", entity: "support_view", entityId: id, requestId: actor.requestId }, sql`changes() > 0`),
  ]);
  if (gone.length === 0) throw notFound("View");
}
