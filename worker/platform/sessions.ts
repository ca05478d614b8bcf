import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "./db";
import { unauthorized } from "./errors";
import { newId, randomToken, sha256 } from "./ids";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  REFRESH_TOKEN_TTL_MS,
  signAccessToken,
} from "./tokens";
import { memberships, organizations, refreshTokens, sessions, type Role } from "../../schema";

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
}

async function mintRefreshToken(sessionId: string, now: number) {
  const id = newId();
  const secret = randomToken();
  const row = {
    id,
    sessionId,
    tokenHash: await sha256(secret),
    expiresAt: now + REFRESH_TOKEN_TTL_MS,
    createdAt: now,
  };
  return { token: `${id}.${secret}`, row };
}

/** Starts a new token family (a session) for one user in one organization. */
export async function createSession(
  db: Db,
  jwtSecret: string,
  who: { userId: string; orgId: string; role: Role },
): Promise<TokenPair> {
  const now = Date.now();
  const sessionId = newId();
  const refresh = await mintRefreshToken(sessionId, now);
  await db.batch([
    db.insert(sessions).values({ id: sessionId, userId: who.userId, orgId: who.orgId, createdAt: now }),
    db.insert(refreshTokens).values(refresh.row),
  ]);
  const accessToken = await signAccessToken(jwtSecret, { ...who, sessionId });
  return { accessToken, refreshToken: refresh.token, expiresIn: ACCESS_TOKEN_TTL_SECONDS, sessionId };
}

export async function revokeSession(db: Db, sessionId: string, reason: string) {
  await db
    .update(sessions)
    .set({ revokedAt: Date.now(), revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
}

/**
 * Exchanges a refresh token for a new pair. Each refresh token works once:
 * presenting a spent one means it was copied, so the whole family is revoked
 * and even the newest token of the family stops working.
 */
export async function rotateRefreshToken(
  db: Db,
  jwtSecret: string,
  presented: string,
): Promise<TokenPair & { userId: string; orgId: string; role: Role }> {
  const [id, secret] = presented.split(".");
  if (!id || !secret) throw unauthorized("Invalid refresh token");
  const found = await db
    .select({ token: refreshTokens, session: sessions })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.id, id))
    .get();
  if (!found || found.token.tokenHash !== (await sha256(secret))) throw unauthorized("Invalid refresh token");
  const { token, session } = found;
  if (session.revokedAt) throw unauthorized("Session has been revoked");
  if (token.usedAt) {
    await revokeSession(db, session.id, "refresh_token_reuse");
    throw unauthorized("Refresh token was already used; the session has been revoked");
  }
  const now = Date.now();
  if (token.expiresAt < now) throw unauthorized("Refresh token expired");

  const claimed = await db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(and(eq(refreshTokens.id, id), isNull(refreshTokens.usedAt)))
    .returning({ id: refreshTokens.id });
  if (claimed.length === 0) {
    await revokeSession(db, session.id, "refresh_token_reuse");
    throw unauthorized("Refresh token was already used; the session has been revoked");
  }

  const member = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, session.orgId), eq(memberships.userId, session.userId)))
    .get();
  if (!member) {
    await revokeSession(db, session.id, "membership_removed");
    throw unauthorized("You are no longer a member of this organization");
  }

  const refresh = await mintRefreshToken(session.id, now);
  await db.insert(refreshTokens).values(refresh.row);
  const accessToken = await signAccessToken(jwtSecret, {
    userId: session.userId,
    orgId: session.orgId,
    role: member.role,
    sessionId: session.id,
  });
  return {
    accessToken,
    refreshToken: refresh.token,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    sessionId: session.id,
    userId: session.userId,
    orgId: session.orgId,
    role: member.role,
  };
}

export interface LiveMembership {
  role: Role;
  recordVisibility: "all" | "own";
}

/**
 * The caller's live role and their organization's visibility rule, or null
 * when the session is revoked or the membership gone. One query per request.
 */
export async function resolveSession(
  db: Db,
  claims: { userId: string; orgId: string; sessionId: string },
): Promise<LiveMembership | null> {
  const row = await db
    .select({
      role: memberships.role,
      revokedAt: sessions.revokedAt,
      sessionUser: sessions.userId,
      sessionOrg: sessions.orgId,
      settings: organizations.settings,
    })
    .from(sessions)
    .innerJoin(memberships, and(eq(memberships.orgId, claims.orgId), eq(memberships.userId, claims.userId)))
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(sessions.id, claims.sessionId))
    .get();
  if (!row || row.revokedAt || row.sessionUser !== claims.userId || row.sessionOrg !== claims.orgId) return null;
  return { role: row.role, recordVisibility: row.settings.recordVisibility ?? "all" };
}
