import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../platform/db";
import { conflict, invalid, notFound } from "../platform/errors";
import { newId } from "../platform/ids";
import { memberships, telephonyExtensions, telephonyProviders } from "../../schema";
import { auditStatement } from "../platform/audit-writer";
import { isUniqueViolation, type Actor } from "../platform/records";

/** A member's identity at a provider: PBX extension ("1001") or Twilio Client identity. */
export type ExtensionRow = typeof telephonyExtensions.$inferSelect;

export interface ExtensionInput {
  providerId?: string;
  userId?: string;
  extension?: string;
  label?: string | null;
}

const view = ({ orgId: _org, ...rest }: ExtensionRow) => rest;

export async function listExtensions(db: Db, orgId: string, filter: { providerId?: string; userId?: string } = {}) {
  const rows = await db
    .select()
    .from(telephonyExtensions)
    .where(
      and(
        eq(telephonyExtensions.orgId, orgId),
        filter.providerId ? eq(telephonyExtensions.providerId, filter.providerId) : undefined,
        filter.userId ? eq(telephonyExtensions.userId, filter.userId) : undefined,
      ),
    )
    .orderBy(asc(telephonyExtensions.extension));
  return rows.map(view);
}

async function requireExtension(db: Db, orgId: string, id: string) {
  const row = await db.select().from(telephonyExtensions).where(and(eq(telephonyExtensions.orgId, orgId), eq(telephonyExtensions.id, id))).get();
  if (!row) throw notFound("Extension");
  return row;
}

/** The member behind an extension or client identity at a provider, if mapped. */
export async function userForExtension(db: Db, orgId: string, providerId: string, extension: string): Promise<string | null> {
  const row = await db
    .select({ userId: telephonyExtensions.userId })
    .from(telephonyExtensions)
    .where(and(eq(telephonyExtensions.orgId, orgId), eq(telephonyExtensions.providerId, providerId), eq(telephonyExtensions.extension, extension)))
    .get();
  return row?.userId ?? null;
}

/** A member's extension or client identity at a provider, if mapped. */
export async function extensionForUser(db: Db, orgId: string, providerId: string, userId: string): Promise<ExtensionRow | null> {
  const row = await db
    .select()
    .from(telephonyExtensions)
    .where(and(eq(telephonyExtensions.orgId, orgId), eq(telephonyExtensions.providerId, providerId), eq(telephonyExtensions.userId, userId)))
    .get();
  return row ?? null;
}

async function assertRefs(db: Db, orgId: string, input: ExtensionInput) {
  if (input.providerId !== undefined) {
    const p = await db.select({ id: telephonyProviders.id }).from(telephonyProviders).where(and(eq(telephonyProviders.orgId, orgId), eq(telephonyProviders.id, input.providerId))).get();
    if (!p) throw invalid({ providerId: ["No such provider in this organization"] });
  }
  if (input.userId !== undefined) {
    const m = await db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, input.userId))).get();
    if (!m) throw invalid({ userId: ["Not a member of this organization"] });
  }
}

const taken = () => conflict("This extension, or an extension for this member, already exists at the provider", { extension: ["Already taken"] });

export async function createExtension(db: Db, orgId: string, actor: Actor, input: Required<Pick<ExtensionInput, "providerId" | "userId" | "extension">> & ExtensionInput) {
  await assertRefs(db, orgId, input);
  const now = Date.now();
  const row: ExtensionRow = {
    id: newId(),
    orgId,
    providerId: input.providerId,
    userId: input.userId,
    extension: input.extension.trim(),
    label: input.label?.trim() || null,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.batch([
      db.insert(telephonyExtensions).values(row),
      auditStatement(db, orgId, { actorId: actor.userId, action: "create", entity: "telephony_extension", entityId: row.id, changes: { providerId: row.providerId, userId: row.userId, extension: row.extension }, requestId: actor.requestId }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw taken();
    throw err;
  }
  return view(row);
}

export async function updateExtension(db: Db, orgId: string, actor: Actor, id: string, input: ExtensionInput) {
  await requireExtension(db, orgId, id);
  await assertRefs(db, orgId, { userId: input.userId });
  const values: Partial<ExtensionRow> = { updatedAt: Date.now() };
  if (input.userId !== undefined) values.userId = input.userId;
  if (input.extension !== undefined) values.extension = input.extension.trim();
  if (input.label !== undefined) values.label = input.label?.trim() || null;
  try {
    const [updated] = await db.batch([
      db.update(telephonyExtensions).set(values).where(and(eq(telephonyExtensions.orgId, orgId), eq(telephonyExtensions.id, id))).returning(),
      auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "telephony_extension", entityId: id, changes: values, requestId: actor.requestId }),
    ]);
    return view(updated[0]!);
  } catch (err) {
    if (isUniqueViolation(err)) throw taken();
    throw err;
  }
}

export async function deleteExtension(db: Db, orgId: string, actor: Actor, id: string) {
  const before = await requireExtension(db, orgId, id);
  await db.batch([
    db.delete(telephonyExtensions).where(and(eq(telephonyExtensions.orgId, orgId), eq(telephonyExtensions.id, id))),
    auditStatement(db, orgId, { actorId: actor.userId, action: "delete", entity: "telephony_extension", entityId: id, changes: { extension: before.extension, userId: before.userId }, requestId: actor.requestId }),
  ]);
}
