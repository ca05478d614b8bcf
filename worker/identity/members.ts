import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../platform/db";
import { conflict, forbidden, notFound } from "../platform/errors";
import { matchesAny } from "../platform/like";
import { canAssignRole } from "../platform/permissions";
import { memberships, sessions, users, type Role } from "../../schema";
import { auditStatementIf } from "../platform/audit-writer";

export interface MemberQuery {
  page: number;
  perPage: number;
  sort: "name" | "-name" | "email" | "-email" | "joinedAt" | "-joinedAt" | "role" | "-role";
  role?: Role;
  q?: string;
}

const SORT_COLUMNS = {
  name: users.name,
  email: users.email,
  joinedAt: memberships.createdAt,
  role: memberships.role,
};

export async function listMembers(db: Db, orgId: string, q: MemberQuery) {
  const filters: SQL[] = [eq(memberships.orgId, orgId)];
  if (q.role) filters.push(eq(memberships.role, q.role));
  if (q.q) filters.push(matchesAny(q.q, [users.name, users.email]));
  const where = and(...filters);
  const column = SORT_COLUMNS[q.sort.replace(/^-/, "") as keyof typeof SORT_COLUMNS];
  const order = q.sort.startsWith("-") ? desc(column) : asc(column);
  const [rows, [count]] = await Promise.all([
    db
      .select({ id: users.id, name: users.name, email: users.email, role: memberships.role, joinedAt: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(where)
      .orderBy(order, asc(users.id))
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage),
    db
      .select({ total: sql<number>`count(*)` })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(where),
  ]);
  return { rows, total: count?.total ?? 0 };
}

export async function getMember(db: Db, orgId: string, userId: string) {
  const row = await db
    .select({ id: users.id, name: users.name, email: users.email, role: memberships.role, joinedAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .get();
  if (!row) throw notFound("Member");
  return row;
}

/** True when removing or demoting `userId` leaves the organization with another owner. */
const keepsAnOwner = (orgId: string, userId: string) =>
  sql`(${memberships.role} <> 'owner' OR (SELECT count(*) FROM ${memberships} m2
    WHERE m2.org_id = ${orgId} AND m2.role = 'owner' AND m2.user_id <> ${userId}) > 0)`;

const LAST_OWNER = "An organization must keep at least one owner";

export interface Actor {
  userId: string;
  role: Role;
  requestId?: string;
}

export async function changeRole(db: Db, orgId: string, actor: Actor, userId: string, role: Role) {
  const member = await getMember(db, orgId, userId);
  if (member.role === role) return member;
  if (!canAssignRole(actor.role, member.role) || !canAssignRole(actor.role, role)) {
    throw forbidden(`A ${actor.role} cannot change a ${member.role} into a ${role}`);
  }
  // The last-owner rule is checked inside the UPDATE so two owners demoting
  // each other at once cannot both succeed.
  const [updated] = await db.batch([
    db
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId), keepsAnOwner(orgId, userId)))
      .returning({ userId: memberships.userId }),
    auditStatementIf(
      db,
      orgId,
      {
        actorId: actor.userId,
        action: "update_role",
        entity: "member",
        entityId: userId,
        changes: { role: { from: member.role, to: role } },
        requestId: actor.requestId,
      },
      sql`changes() > 0`,
    ),
  ]);
  if (updated.length === 0) throw conflict(LAST_OWNER);
  return { ...member, role };
}

export async function removeMember(db: Db, orgId: string, actor: Actor, userId: string) {
  const member = await getMember(db, orgId, userId);
  if (userId !== actor.userId && !canAssignRole(actor.role, member.role)) {
    throw forbidden(`A ${actor.role} cannot remove a ${member.role}`);
  }
  const owners = await db.$count(memberships, and(eq(memberships.orgId, orgId), eq(memberships.role, "owner")));
  if (member.role === "owner" && owners <= 1) throw conflict(LAST_OWNER);
  const [deleted] = await db.batch([
    db
      .delete(memberships)
      .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId), keepsAnOwner(orgId, userId)))
      .returning({ userId: memberships.userId }),
    auditStatementIf(
      db,
      orgId,
      {
        actorId: actor.userId,
        action: "remove",
        entity: "member",
        entityId: userId,
        changes: { role: member.role, email: member.email },
        requestId: actor.requestId,
      },
      sql`changes() > 0`,
    ),
    db
      .update(sessions)
      .set({ revokedAt: Date.now(), revokedReason: "membership_removed" })
      .where(
        and(
          eq(sessions.orgId, orgId),
          eq(sessions.userId, userId),
          sql`${sessions.revokedAt} IS NULL`,
          sql`NOT EXISTS (SELECT 1 FROM ${memberships} WHERE org_id = ${orgId} AND user_id = ${userId})`,
        ),
      ),
  ]);
  if (deleted.length === 0) throw conflict(LAST_OWNER);
  return member;
}
