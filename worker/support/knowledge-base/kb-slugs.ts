import { and, eq, like, ne, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../../platform/db";
import type { Role } from "../../../schema";

/** Who edits the knowledge base: the member, their role (for publish rights) and the request, for the audit row. */
export interface KbActor {
  userId: string;
  role: Role;
  requestId?: string;
}

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MESSAGE = "Lowercase letters, digits and single hyphens, e.g. reset-your-password";
const MAX_SLUG = 80;

/** "Réinitialiser le mot de passe?" → "reinitialiser-le-mot-de-passe". */
export function slugify(title: string, fallback: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_SLUG)
    .replace(/-+$/, "");
  return slug || fallback;
}

type SluggedTable = SQLiteTable & { id: SQLiteColumn; orgId: SQLiteColumn; slug: SQLiteColumn };

/**
 * `base`, or `base-2`, `base-3`… whichever is free in the organization. A
 * concurrent writer can still take it first; the unique index then answers
 * a conflict rather than a duplicate.
 */
export async function freeSlug(db: Db, table: SluggedTable, orgId: string, base: string, exceptId?: string): Promise<string> {
  const conditions: SQL[] = [eq(table.orgId, orgId), like(table.slug, `${base}%`)];
  if (exceptId) conditions.push(ne(table.id, exceptId));
  const taken = new Set(
    (await db.select({ slug: table.slug }).from(table).where(and(...conditions))).map((r) => r.slug as string),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base.slice(0, MAX_SLUG - String(n).length - 1)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export async function slugTaken(db: Db, table: SluggedTable, orgId: string, slug: string, exceptId?: string) {
  const conditions: SQL[] = [eq(table.orgId, orgId), eq(table.slug, slug)];
  if (exceptId) conditions.push(ne(table.id, exceptId));
  return (await db.select({ id: table.id }).from(table).where(and(...conditions)).get()) !== undefined;
}

/** D1's message for a UNIQUE violation, which a concurrent writer can still cause after the checks above. */
export const isUniqueViolation = (err: unknown) => /UNIQUE constraint failed/i.test(String((err as Error)?.message ?? err));
