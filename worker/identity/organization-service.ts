import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../platform/db";
import { notFound } from "../platform/errors";
import { newId } from "../platform/ids";
import { memberships, organizations, type OrganizationSettings, type Role } from "../../schema";
import { auditStatement } from "../platform/audit-writer";
import { defaultPipelineStatements } from "../crm";

export type Organization = typeof organizations.$inferSelect;

export function publicOrganization(org: Organization) {
  return { id: org.id, name: org.name, slug: org.slug, settings: org.settings, createdAt: org.createdAt };
}

function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "org"}-${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`;
}

/**
 * The statements that create an organization owned by `ownerId`. Returned
 * rather than run, so registration can batch them with the new user.
 */
export function createOrganizationStatements(db: Db, ownerId: string, name: string, requestId?: string) {
  const now = Date.now();
  const org: Organization = {
    id: newId(),
    name,
    slug: slugify(name),
    settings: { defaultCountry: "US", recordVisibility: "all" },
    createdAt: now,
    updatedAt: now,
  };
  const statements = [
    db.insert(organizations).values(org),
    db.insert(memberships).values({ orgId: org.id, userId: ownerId, role: "owner", createdAt: now }),
    auditStatement(db, org.id, {
      actorId: ownerId,
      action: "create",
      entity: "organization",
      entityId: org.id,
      changes: { name },
      requestId,
    }),
    // Every organization starts with a pipeline, so deals have somewhere to go.
    ...defaultPipelineStatements(db, org.id, now),
  ] as const;
  return { org, statements };
}

export async function createOrganization(db: Db, ownerId: string, name: string, requestId?: string) {
  const { org, statements } = createOrganizationStatements(db, ownerId, name, requestId);
  await db.batch(statements);
  return org;
}

export async function getOrganization(db: Db, orgId: string): Promise<Organization> {
  const org = await db.select().from(organizations).where(eq(organizations.id, orgId)).get();
  if (!org) throw notFound("Organization");
  return org;
}

export async function listOrganizationsOfUser(db: Db, userId: string) {
  const rows = await db
    .select({ org: organizations, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(organizations.name));
  return rows.map((r) => ({ ...publicOrganization(r.org), role: r.role }));
}

export async function membershipRole(db: Db, orgId: string, userId: string): Promise<Role | null> {
  const row = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .get();
  return row?.role ?? null;
}

export interface OrganizationPatch {
  name?: string;
  settings?: Partial<OrganizationSettings>;
}

export async function updateOrganization(
  db: Db,
  orgId: string,
  actorId: string,
  patch: OrganizationPatch,
  requestId?: string,
) {
  const current = await getOrganization(db, orgId);
  const next = {
    name: patch.name ?? current.name,
    settings: { ...current.settings, ...patch.settings },
    updatedAt: Date.now(),
  };
  await db.batch([
    db.update(organizations).set(next).where(eq(organizations.id, orgId)),
    auditStatement(db, orgId, {
      actorId,
      action: "update",
      entity: "organization",
      entityId: orgId,
      changes: patch as Record<string, unknown>,
      requestId,
    }),
  ]);
  return { organization: { ...current, ...next }, previous: current };
}
