import { eq, sql } from "drizzle-orm";
import type { Db } from "../platform/db";
import { AppError, conflict, invalid, unauthorized } from "../platform/errors";
import { newId } from "../platform/ids";
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from "./password";
import { memberships, sessions, users } from "../../schema";
import { createOrganizationStatements } from "./organization-service";
import { normalizeEmail } from "../platform/email-address";

export type User = typeof users.$inferSelect;

export function publicUser(u: Pick<User, "id" | "name" | "email">) {
  return { id: u.id, name: u.name, email: u.email };
}

export async function findUserByEmail(db: Db, email: string) {
  return db.select().from(users).where(eq(users.email, normalizeEmail(email))).get();
}

export async function getUser(db: Db, userId: string) {
  const user = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw unauthorized("Account no longer exists");
  return user;
}

/** Builds a new user row after checking the password rule; throws validation_error otherwise. */
export async function newUserRow(input: { name: string; email: string; password: string }): Promise<User> {
  const email = normalizeEmail(input.email);
  const problem = passwordProblem(input.password, email);
  if (problem) throw invalid({ password: [problem] }, "Password is too weak");
  const now = Date.now();
  return {
    id: newId(),
    email,
    name: input.name.trim(),
    passwordHash: await hashPassword(input.password),
    createdAt: now,
    updatedAt: now,
  };
}

export function emailTaken(email: string) {
  return conflict("An account with this email already exists", { email: ["already registered"] });
}

export async function register(
  db: Db,
  input: { name: string; email: string; password: string; organizationName: string },
  requestId?: string,
) {
  const user = await newUserRow(input);
  if (await findUserByEmail(db, user.email)) throw emailTaken(user.email);
  const { org, statements } = createOrganizationStatements(db, user.id, input.organizationName.trim(), requestId);
  try {
    await db.batch([db.insert(users).values(user), ...statements]);
  } catch (err) {
    // Two registrations racing on one email: the unique index decides.
    if (String(err).includes("UNIQUE")) throw emailTaken(user.email);
    throw err;
  }
  return { user, org };
}

/** Checks credentials in constant-ish time whether or not the email exists. */
export async function authenticate(db: Db, email: string, password: string): Promise<User> {
  const user = await findUserByEmail(db, email);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) throw unauthorized("Invalid email or password");
  return user;
}

/** The organization a login lands in: the one used most recently, else the oldest membership. */
export async function defaultMembership(db: Db, userId: string) {
  const lastUsed = sql<number | null>`(SELECT max(${sessions.createdAt}) FROM ${sessions}
    WHERE ${sessions.userId} = ${memberships.userId} AND ${sessions.orgId} = ${memberships.orgId})`;
  const pick = await db
    .select({ orgId: memberships.orgId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(sql`${lastUsed} DESC NULLS LAST`, memberships.createdAt)
    .get();
  if (!pick) throw new AppError("forbidden", "You are not a member of any organization");
  return pick;
}
