import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../lib/db";
import { AppError, conflict, forbidden, invalid, notFound, unauthorized } from "../lib/errors";
import { newId, randomToken, sha256 } from "../lib/ids";
import { canAssignRole } from "../lib/permissions";
import { verifyPassword } from "../lib/password";
import { invitations, memberships, organizations, users, type Role } from "../../schema";
import { auditStatement } from "./audit";
import { emailTaken, findUserByEmail, newUserRow, normalizeEmail } from "./auth";
import type { Actor } from "./members";

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export type Invitation = typeof invitations.$inferSelect;

export function publicInvitation(inv: Invitation) {
  return { id: inv.id, email: inv.email, role: inv.role, expiresAt: inv.expiresAt, createdAt: inv.createdAt };
}

export async function createInvitation(
  db: Db,
  orgId: string,
  actor: Actor,
  input: { email: string; role: Role },
) {
  if (!canAssignRole(actor.role, input.role)) throw forbidden(`A ${actor.role} cannot invite a ${input.role}`);
  const email = normalizeEmail(input.email);
  const existing = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(users.email, email)))
    .get();
  if (existing) throw conflict("This person is already a member", { email: ["already a member"] });

  const token = randomToken();
  const now = Date.now();
  const inv: Invitation = {
    id: newId(),
    orgId,
    email,
    role: input.role,
    tokenHash: await sha256(token),
    invitedBy: actor.userId,
    expiresAt: now + INVITATION_TTL_MS,
    acceptedAt: null,
    revokedAt: null,
    createdAt: now,
  };
  await db.batch([
    db.insert(invitations).values(inv),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "invite",
      entity: "invitation",
      entityId: inv.id,
      changes: { email, role: input.role },
      requestId: actor.requestId,
    }),
  ]);
  return { invitation: inv, token };
}

export async function listPendingInvitations(db: Db, orgId: string) {
  return db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.orgId, orgId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, Date.now()),
      ),
    )
    .orderBy(desc(invitations.createdAt));
}

export async function revokeInvitation(db: Db, orgId: string, actor: Actor, id: string) {
  const inv = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.orgId, orgId), eq(invitations.id, id), isNull(invitations.revokedAt)))
    .get();
  if (!inv || inv.acceptedAt) throw notFound("Invitation");
  await db.batch([
    db.update(invitations).set({ revokedAt: Date.now() }).where(eq(invitations.id, id)),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "revoke",
      entity: "invitation",
      entityId: id,
      requestId: actor.requestId,
    }),
  ]);
}

/** An invitation still usable, found by the secret in its link; expired, used and revoked ones are 404. */
export async function findOpenInvitation(db: Db, token: string) {
  const row = await db
    .select({ inv: invitations, orgName: organizations.name, inviterName: users.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .innerJoin(users, eq(users.id, invitations.invitedBy))
    .where(eq(invitations.tokenHash, await sha256(token)))
    .get();
  if (!row || row.inv.acceptedAt || row.inv.revokedAt || row.inv.expiresAt < Date.now()) {
    throw notFound("Invitation");
  }
  return row;
}

export interface AcceptInput {
  token: string;
  /** The signed-in user, when the link is opened in a logged-in browser. */
  signedInUserId?: string;
  name?: string;
  password?: string;
  requestId?: string;
}

/** Joins the invited organization, creating the account if the email has none. */
export async function acceptInvitation(db: Db, input: AcceptInput) {
  const { inv } = await findOpenInvitation(db, input.token);
  let user = await findUserByEmail(db, inv.email);
  const statements = [];
  if (user) {
    const viaSession = input.signedInUserId === user.id;
    if (!viaSession) {
      if (!input.password) throw invalid({ password: ["Enter your password to join"] });
      if (!(await verifyPassword(input.password, user.passwordHash))) {
        throw unauthorized("Invalid email or password");
      }
    }
  } else {
    if (input.signedInUserId) {
      throw forbidden("This invitation is for another email address; sign out to accept it");
    }
    if (!input.name || !input.password) {
      throw invalid({
        ...(input.name ? {} : { name: ["Required to create your account"] }),
        ...(input.password ? {} : { password: ["Required to create your account"] }),
      });
    }
    user = await newUserRow({ name: input.name, email: inv.email, password: input.password });
    statements.push(db.insert(users).values(user));
  }

  const now = Date.now();
  const [claimed] = await db.batch([
    db
      .update(invitations)
      .set({ acceptedAt: now })
      .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id }),
    ...statements,
    db
      .insert(memberships)
      .values({ orgId: inv.orgId, userId: user.id, role: inv.role, createdAt: now })
      .onConflictDoNothing(),
    auditStatement(db, inv.orgId, {
      actorId: user.id,
      action: "accept",
      entity: "invitation",
      entityId: inv.id,
      changes: { email: inv.email, role: inv.role },
      requestId: input.requestId,
    }),
  ]).catch((err: unknown) => {
    if (String(err).includes("UNIQUE")) throw emailTaken(inv.email);
    throw err;
  });
  if (claimed.length === 0) throw new AppError("not_found", "Invitation not found");
  const role = (await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, inv.orgId), eq(memberships.userId, user.id)))
    .get())!.role;
  return { user, orgId: inv.orgId, role };
}
