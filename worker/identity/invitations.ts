import { and, desc, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../platform/db";
import { AppError, conflict, forbidden, invalid, notFound, unauthorized } from "../platform/errors";
import { newId, randomToken, sha256 } from "../platform/ids";
import { canAssignRole } from "../platform/permissions";
import { decoyHash, passwordProblem, verifyPassword } from "./password";
import { invitations, memberships, organizations, users, type Role } from "../../schema";
import { limitCredentialAttempt } from "../platform/abuse-limits";
import { auditStatement, auditStatementIf } from "../platform/audit-writer";
import { normalizeEmail } from "../platform/email-address";
import { emailTaken, findUserByEmail, newUserRow, type User } from "./auth";
import type { Actor } from "./members";

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;
/** Wrong passwords one link takes before it stops working; the inviter sends a new one if it was a typo. */
export const MAX_FAILED_ATTEMPTS = 5;

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
    failedAttempts: 0,
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
        lt(invitations.failedAttempts, MAX_FAILED_ATTEMPTS),
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

/** An invitation still usable, found by the secret in its link; expired, used, revoked and locked ones are 404. */
export async function findOpenInvitation(db: Db, token: string) {
  const row = await db
    .select({ inv: invitations, orgName: organizations.name, inviterName: users.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .innerJoin(users, eq(users.id, invitations.invitedBy))
    .where(eq(invitations.tokenHash, await sha256(token)))
    .get();
  const { inv } = row ?? {};
  if (!row || !inv || inv.acceptedAt || inv.revokedAt || inv.failedAttempts >= MAX_FAILED_ATTEMPTS || inv.expiresAt < Date.now()) {
    throw notFound("Invitation");
  }
  return row;
}

export interface AcceptInput {
  token: string;
  /** The user of a live session presented with the request, when the link is opened in a signed-in browser. */
  signedInUserId?: string;
  name?: string;
  password?: string;
  /** The caller's address, for the sign-in limits a password check counts against. */
  ip: string;
  requestId?: string;
}

/**
 * One wrong password through this link, audited when it is the one that
 * locks the link. The guard re-checks the cap, so racing guesses lock once.
 */
async function recordFailedAttempt(db: Db, inv: Invitation, requestId?: string) {
  await db.batch([
    db
      .update(invitations)
      .set({ failedAttempts: sql`${invitations.failedAttempts} + 1` })
      .where(and(eq(invitations.id, inv.id), lt(invitations.failedAttempts, MAX_FAILED_ATTEMPTS))),
    auditStatementIf(
      db,
      inv.orgId,
      {
        actorId: null,
        action: "lock",
        entity: "invitation",
        entityId: inv.id,
        changes: { email: inv.email, failedAttempts: MAX_FAILED_ATTEMPTS },
        requestId,
      },
      sql`changes() > 0 AND (SELECT ${invitations.failedAttempts} FROM ${invitations} WHERE ${invitations.id} = ${inv.id}) >= ${MAX_FAILED_ATTEMPTS}`,
    ),
  ]);
}

/**
 * Who accepts: the invitee's own session, the invitee's password, or a new
 * account (a name and a password) when the email has none.
 *
 * Whoever holds the link (the inviter too) must not learn whether the email
 * has an account without proving to be its owner, so every answer that does
 * not join is the same either way: a password without a name is checked like
 * a sign-in even when there is no account, a name brings the new-password
 * rule first, and a session that is not the invitee's counts for nothing.
 */
async function invitee(db: Db, inv: Invitation, input: AcceptInput): Promise<{ user: User; isNew: boolean }> {
  const account = await findUserByEmail(db, inv.email);
  if (account && input.signedInUserId === account.id) return { user: account, isNew: false };
  if (!input.password) throw invalid({ password: ["Enter your password to join"] });
  if (input.name) {
    const problem = passwordProblem(input.password, inv.email);
    if (problem) throw invalid({ password: [problem] }, "Password is too weak");
    if (!account) return { user: await newUserRow({ name: input.name, email: inv.email, password: input.password }), isNew: true };
  }
  await limitCredentialAttempt(db, { ip: input.ip, email: inv.email });
  const matches = await verifyPassword(input.password, account?.passwordHash ?? (await decoyHash()));
  if (!account || !matches) {
    await recordFailedAttempt(db, inv, input.requestId);
    throw unauthorized("Invalid email or password");
  }
  return { user: account, isNew: false };
}

/** Joins the invited organization, creating the account if the email has none. */
export async function acceptInvitation(db: Db, input: AcceptInput) {
  const { inv } = await findOpenInvitation(db, input.token);
  const { user, isNew } = await invitee(db, inv, input);
  const statements = isNew ? [db.insert(users).values(user)] : [];

  const now = Date.now();
  const [claimed] = await db.batch([
    db
      .update(invitations)
      .set({ acceptedAt: now })
      .where(
        and(
          eq(invitations.id, inv.id),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          lt(invitations.failedAttempts, MAX_FAILED_ATTEMPTS),
        ),
      )
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
