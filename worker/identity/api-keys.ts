import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../platform/db";
import { forbidden, invalid, notFound } from "../platform/errors";
import { newId, randomToken, sha256 } from "../platform/ids";
import { auditStatement, auditStatementIf } from "../platform/audit-writer";
import { API_KEY_PREFIX } from "../platform/api-key-auth";
import { allows, can, PERMISSIONS, type Permission } from "../platform/permissions";
import { apiKeys, ROLES, users, type ApiKey, type Role } from "../../schema";

/** Keys are for scripts and integrations that run for a while, not forever unnoticed. */
export const MAX_API_KEY_LIFETIME_MS = 2 * 366 * 24 * 3600 * 1000;
/** Enough to tell keys apart in a list (`nc_` and seven characters of the secret). */
const PREFIX_LENGTH = 10;

export interface ApiKeyCreator {
  userId: string;
  role: Role;
  requestId?: string;
}

export interface NewApiKey {
  name: string;
  scopes?: string[];
  expiresAt?: number;
  kind: "personal" | "organization";
  role?: Role;
}

const atMost = (role: Role, ceiling: Role) => ROLES.indexOf(role) >= ROLES.indexOf(ceiling);

export const isPermission = (name: string): name is Permission => Object.hasOwn(PERMISSIONS, name);

/** The role the key acts with: a personal key its creator's (live, re-read per request), an organization key its own. */
function keyRole(creator: ApiKeyCreator, input: NewApiKey): Role {
  if (input.kind === "personal") {
    if (input.role !== undefined) throw invalid({ role: ["Personal keys act with your own role; leave role out"] });
    return creator.role;
  }
  if (!can(creator.role, "api_keys:manage")) throw forbidden(`Your role (${creator.role}) does not allow api_keys:manage (organization keys)`);
  const role = input.role ?? creator.role;
  if (!atMost(role, creator.role)) throw invalid({ role: [`An organization key's role cannot be above yours (${creator.role})`] });
  return role;
}

function checkScopes(role: Role, scopes: string[] | undefined): Permission[] | null {
  if (scopes === undefined) return null;
  const unknown = scopes.filter((s) => !isPermission(s));
  if (unknown.length) throw invalid({ scopes: [`Unknown permissions: ${unknown.join(", ")}`] });
  const beyond = scopes.filter((s) => !can(role, s as Permission));
  if (beyond.length) throw invalid({ scopes: [`Not allowed to the ${role} role: ${beyond.join(", ")}`] }, `Scopes beyond the key's role: ${beyond.join(", ")}`);
  return [...new Set(scopes as Permission[])];
}

function checkExpiry(expiresAt: number | undefined, now: number): number | null {
  if (expiresAt === undefined) return null;
  if (expiresAt <= now) throw invalid({ expiresAt: ["Must be in the future"] });
  if (expiresAt > now + MAX_API_KEY_LIFETIME_MS) throw invalid({ expiresAt: ["Must be at most two years from now"] });
  return expiresAt;
}

/** What every listing shows: never the token, never its hash. */
export const publicApiKey = ({ tokenHash: _h, orgId: _o, revokedBy: _r, ...rest }: ApiKey) => rest;

/**
 * Creates a key and returns its token, the only time it exists outside the
 * caller's hands: only its SHA-256 is stored. Scopes must be permissions the
 * key's role has; none given means "whatever the role allows", kept as null
 * so a personal key follows its member's role.
 */
export async function createApiKey(db: Db, orgId: string, creator: ApiKeyCreator, input: NewApiKey, now = Date.now()) {
  const role = keyRole(creator, input);
  const scopes = checkScopes(role, input.scopes);
  const expiresAt = checkExpiry(input.expiresAt, now);
  const token = `${API_KEY_PREFIX}${randomToken(32)}`;
  const row: ApiKey = {
    id: newId(),
    orgId,
    kind: input.kind,
    name: input.name,
    userId: creator.userId,
    role: input.kind === "organization" ? role : null,
    tokenHash: await sha256(token),
    tokenPrefix: token.slice(0, PREFIX_LENGTH),
    scopes,
    expiresAt,
    lastUsedAt: null,
    revokedAt: null,
    revokedBy: null,
    createdAt: now,
  };
  await db.batch([
    db.insert(apiKeys).values(row),
    auditStatement(db, orgId, {
      actorId: creator.userId,
      action: "api_key.created",
      entity: "api_key",
      entityId: row.id,
      changes: { name: row.name, kind: row.kind, role: row.role, scopes, expiresAt },
      requestId: creator.requestId,
    }),
  ]);
  return { ...publicApiKey(row), token };
}

/** The caller's own keys; with `api_keys:manage`, every key of the organization. Newest first, with the creator's name. */
export async function listApiKeys(db: Db, orgId: string, viewer: { userId: string; role: Role }, q: { page: number; perPage: number }) {
  const filters: SQL[] = [eq(apiKeys.orgId, orgId)];
  if (!can(viewer.role, "api_keys:manage")) filters.push(eq(apiKeys.userId, viewer.userId));
  const where = and(...filters);
  const [rows, total] = await Promise.all([
    db
      .select({ key: apiKeys, creatorName: users.name })
      .from(apiKeys)
      .leftJoin(users, eq(users.id, apiKeys.userId))
      .where(where)
      .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage),
    db.$count(apiKeys, where),
  ]);
  return { rows: rows.map((r) => ({ ...publicApiKey(r.key), creatorName: r.creatorName })), total };
}

/**
 * Revokes a key: its creator may, and anyone with `api_keys:manage` may
 * revoke any key of the organization. Another organization's key, or
 * someone else's without the permission, is "not found". Revoking twice
 * answers the key as it is and writes no second audit row.
 */
export async function revokeApiKey(db: Db, orgId: string, actor: ApiKeyCreator, id: string, now = Date.now()) {
  const key = await db.select().from(apiKeys).where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id))).get();
  if (!key || (key.userId !== actor.userId && !allows(actor, "api_keys:manage"))) throw notFound("API key");
  if (key.revokedAt !== null) return publicApiKey(key);
  const pending = and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt));
  const [updated] = await db.batch([
    db.update(apiKeys).set({ revokedAt: now, revokedBy: actor.userId }).where(pending).returning(),
    auditStatementIf(
      db,
      orgId,
      { actorId: actor.userId, action: "api_key.revoked", entity: "api_key", entityId: id, changes: { name: key.name }, requestId: actor.requestId },
      sql`changes() > 0`,
    ),
  ]);
  // Someone else revoked it between the read and the update: it is revoked all the same.
  return publicApiKey(updated[0] ?? (await db.select().from(apiKeys).where(eq(apiKeys.id, id)).get())!);
}
