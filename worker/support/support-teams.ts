import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../platform/db";
import { conflict, notFound } from "../platform/errors";
import { newId } from "../platform/ids";
import { supportTeamMembers, supportTeams, supportTickets, type AssignmentRule } from "../../schema";
import { auditStatement } from "../platform/audit-writer";
import { isUniqueViolation } from "../platform/records";
import { assertAssignable, getTeamRow } from "./tickets/ticket-assignment";
import type { SupportActor } from "./sla/sla";

type Team = typeof supportTeams.$inferSelect;

async function withMembers(db: Db, orgId: string, teams: Team[]) {
  if (teams.length === 0) return [];
  const members = await db
    .select()
    .from(supportTeamMembers)
    .where(and(eq(supportTeamMembers.orgId, orgId), inArray(supportTeamMembers.teamId, teams.map((t) => t.id))))
    .orderBy(asc(supportTeamMembers.userId));
  return teams.map(({ orgId: _o, ...t }) => ({ ...t, memberIds: members.filter((m) => m.teamId === t.id).map((m) => m.userId) }));
}

export async function listTeams(db: Db, orgId: string) {
  const rows = await db.select().from(supportTeams).where(eq(supportTeams.orgId, orgId)).orderBy(asc(supportTeams.name));
  return withMembers(db, orgId, rows);
}

export async function getTeam(db: Db, orgId: string, id: string) {
  const row = await getTeamRow(db, orgId, id);
  if (!row) throw notFound("Team");
  return (await withMembers(db, orgId, [row]))[0]!;
}

export interface TeamInput {
  name?: string;
  assignmentRule?: AssignmentRule;
  /** The full member list (replaces the current one). */
  memberIds?: string[];
  /** Told when a conversation of the team turns negative (the sentiment escalation rule); null: nobody. */
  leadUserId?: string | null;
}

const nameTaken = () => conflict("A team with this name already exists", { name: ["Already taken"] });

export async function saveTeam(db: Db, orgId: string, actor: SupportActor, id: string | null, input: TeamInput) {
  const before = id ? await getTeam(db, orgId, id) : null;
  const memberIds = input.memberIds ? [...new Set(input.memberIds)] : undefined;
  for (const userId of memberIds ?? []) await assertAssignable(db, orgId, userId, "memberIds");
  if (input.leadUserId) await assertAssignable(db, orgId, input.leadUserId, "leadUserId");
  const lead = input.leadUserId !== undefined ? { leadUserId: input.leadUserId } : {};
  const now = Date.now();
  const teamId = id ?? newId();
  const statements = [];
  if (before) {
    statements.push(
      db
        .update(supportTeams)
        .set({ ...(input.name ? { name: input.name.trim() } : {}), ...(input.assignmentRule ? { assignmentRule: input.assignmentRule } : {}), ...lead, updatedAt: now })
        .where(and(eq(supportTeams.orgId, orgId), eq(supportTeams.id, teamId))),
    );
  } else {
    statements.push(
      db.insert(supportTeams).values({ id: teamId, orgId, name: input.name!.trim(), assignmentRule: input.assignmentRule ?? "manual", ...lead, createdAt: now, updatedAt: now }),
    );
  }
  if (memberIds) {
    statements.push(db.delete(supportTeamMembers).where(and(eq(supportTeamMembers.orgId, orgId), eq(supportTeamMembers.teamId, teamId))));
    if (memberIds.length) statements.push(db.insert(supportTeamMembers).values(memberIds.map((userId) => ({ teamId, userId, orgId, createdAt: now }))));
  }
  statements.push(
    auditStatement(db, orgId, { actorId: actor.userId, action: before ? "update" : "create", entity: "support_team", entityId: teamId, changes: { ...input }, requestId: actor.requestId }),
  );
  try {
    await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
  return getTeam(db, orgId, teamId);
}

/** Deletes a team; its tickets stay, without a team. */
export async function deleteTeam(db: Db, orgId: string, actor: SupportActor, id: string) {
  await getTeam(db, orgId, id);
  await db.batch([
    db.delete(supportTeams).where(and(eq(supportTeams.orgId, orgId), eq(supportTeams.id, id))),
    db.delete(supportTeamMembers).where(and(eq(supportTeamMembers.orgId, orgId), eq(supportTeamMembers.teamId, id))),
    db.update(supportTickets).set({ teamId: null }).where(and(eq(supportTickets.orgId, orgId), eq(supportTickets.teamId, id))),
    auditStatement(db, orgId, { actorId: actor.userId, action: "delete", entity: "support_team", entityId: id, requestId: actor.requestId }),
  ]);
}
