import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { conflict, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { kbArticles, kbCategories } from "../../../schema";
import { auditStatement } from "../../platform/audit-writer";
import { changesOf, text } from "../../platform/records";
import { freeSlug, isUniqueViolation, slugify, slugTaken, type KbActor } from "./kb-slugs";

export type KbCategory = typeof kbCategories.$inferSelect;

export interface CategoryInput {
  name?: string;
  slug?: string;
  description?: string | null;
  position?: number;
}

const publicCategory = ({ orgId: _o, ...rest }: KbCategory) => rest;

/** The organization's categories in display order, each with how many articles it holds (all, and published). */
export async function listCategories(db: Db, orgId: string) {
  const rows = await db
    .select({
      category: kbCategories,
      // Correlated with the outer row by name: drizzle leaves single-table columns unqualified.
      articleCount: sql<number>`(SELECT count(*) FROM kb_articles a WHERE a.org_id = ${orgId} AND a.category_id = kb_categories.id)`,
      publishedCount: sql<number>`(SELECT count(*) FROM kb_articles a WHERE a.org_id = ${orgId} AND a.category_id = kb_categories.id AND a.status = 'published')`,
    })
    .from(kbCategories)
    .where(eq(kbCategories.orgId, orgId))
    .orderBy(asc(kbCategories.position), asc(kbCategories.name), asc(kbCategories.id));
  return rows.map((r) => ({ ...publicCategory(r.category), articleCount: r.articleCount, publishedCount: r.publishedCount }));
}

export async function requireCategory(db: Db, orgId: string, id: string): Promise<KbCategory> {
  const row = await db.select().from(kbCategories).where(and(eq(kbCategories.orgId, orgId), eq(kbCategories.id, id))).get();
  if (!row) throw notFound("Category");
  return row;
}

async function chosenSlug(db: Db, orgId: string, input: CategoryInput, before?: KbCategory) {
  if (input.slug !== undefined) {
    if (await slugTaken(db, kbCategories, orgId, input.slug, before?.id)) throw conflict(`Another category already uses the slug "${input.slug}"`);
    return input.slug;
  }
  return before ? before.slug : freeSlug(db, kbCategories, orgId, slugify(input.name!, "category"));
}

export async function createCategory(db: Db, orgId: string, actor: KbActor, input: CategoryInput & { name: string }) {
  const now = Date.now();
  const last = await db
    .select({ max: sql<number | null>`max(${kbCategories.position})` })
    .from(kbCategories)
    .where(eq(kbCategories.orgId, orgId))
    .get();
  const row: KbCategory = {
    id: newId(),
    orgId,
    name: input.name.trim(),
    slug: await chosenSlug(db, orgId, input),
    position: input.position ?? (last?.max ?? -1) + 1,
    description: text(input.description),
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.batch([
      db.insert(kbCategories).values(row),
      auditStatement(db, orgId, {
        actorId: actor.userId,
        action: "create",
        entity: "kb_category",
        entityId: row.id,
        changes: { name: row.name, slug: row.slug },
        requestId: actor.requestId,
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`Another category already uses the slug "${row.slug}"`);
    throw err;
  }
  return publicCategory(row);
}

export async function updateCategory(db: Db, orgId: string, actor: KbActor, id: string, input: CategoryInput) {
  const before = await requireCategory(db, orgId, id);
  const values: Partial<KbCategory> = {};
  if (input.name !== undefined) values.name = input.name.trim();
  if (input.slug !== undefined) values.slug = await chosenSlug(db, orgId, input, before);
  if (input.description !== undefined) values.description = text(input.description);
  if (input.position !== undefined) values.position = input.position;
  const changes = changesOf(before, values);
  if (Object.keys(changes).length === 0) return publicCategory(before);
  try {
    const [[after]] = await db.batch([
      db
        .update(kbCategories)
        .set({ ...values, updatedAt: Date.now() })
        .where(and(eq(kbCategories.orgId, orgId), eq(kbCategories.id, id)))
        .returning(),
      auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "kb_category", entityId: id, changes, requestId: actor.requestId }),
    ]);
    return publicCategory(after!);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict(`Another category already uses the slug "${values.slug}"`);
    throw err;
  }
}

/** Deletes a category; its articles stay, uncategorized. */
export async function deleteCategory(db: Db, orgId: string, actor: KbActor, id: string) {
  const category = await requireCategory(db, orgId, id);
  await db.batch([
    db
      .update(kbArticles)
      .set({ categoryId: null })
      .where(and(eq(kbArticles.orgId, orgId), eq(kbArticles.categoryId, id))),
    db.delete(kbCategories).where(and(eq(kbCategories.orgId, orgId), eq(kbCategories.id, id))),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "delete",
      entity: "kb_category",
      entityId: id,
      changes: { name: category.name, slug: category.slug },
      requestId: actor.requestId,
    }),
  ]);
}
