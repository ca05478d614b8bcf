import { and, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { conflict, forbidden, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { allows } from "../../platform/permissions";
import { kbArticles, kbCategories, type KbArticleStatus } from "../../../schema";
import { auditStatement } from "../../platform/audit-writer";
import { changesOf, cleanTags } from "../../platform/records";
import { plainText } from "./kb-render";
import { freeSlug, isUniqueViolation, slugify, slugTaken, type KbActor } from "./kb-slugs";

export type KbArticle = typeof kbArticles.$inferSelect;

export interface ArticleInput {
  title?: string;
  slug?: string;
  body?: string;
  categoryId?: string | null;
  tags?: string[];
}

/** The article as the API answers it: without the tenant and the search copy of the body. */
export const publicArticle = ({ orgId: _o, bodyText: _b, ...rest }: KbArticle) => rest;

export async function requireArticle(db: Db, orgId: string, id: string): Promise<KbArticle> {
  const row = await db.select().from(kbArticles).where(and(eq(kbArticles.orgId, orgId), eq(kbArticles.id, id))).get();
  if (!row) throw notFound("Article");
  return row;
}

/**
 * Agents write drafts; what customers read is decided by those who may
 * publish. So changing a published article, publishing, or deleting anything
 * but one's own draft needs kb:publish.
 */
function assertMayEdit(actor: KbActor, article: KbArticle | undefined, action: "edit" | "delete") {
  if (allows(actor, "kb:publish")) return;
  if (article?.status === "published") throw forbidden(`Your role (${actor.role}) cannot ${action} a published article; unpublish it first or ask a manager`);
  if (action === "delete" && article?.authorId !== actor.userId) throw forbidden(`Your role (${actor.role}) can only delete its own drafts`);
}

async function assertCategory(db: Db, orgId: string, categoryId: string | null | undefined) {
  if (!categoryId) return;
  const row = await db
    .select({ id: kbCategories.id })
    .from(kbCategories)
    .where(and(eq(kbCategories.orgId, orgId), eq(kbCategories.id, categoryId)))
    .get();
  if (!row) throw invalid({ categoryId: ["No such category in this organization"] });
}

async function articleValues(db: Db, orgId: string, input: ArticleInput, before?: KbArticle) {
  const values: Partial<KbArticle> = {};
  if (input.title !== undefined) values.title = input.title.trim();
  if (input.body !== undefined) {
    values.body = input.body;
    values.bodyText = plainText(input.body);
  }
  if (input.categoryId !== undefined) {
    await assertCategory(db, orgId, input.categoryId);
    values.categoryId = input.categoryId;
  }
  if (input.tags !== undefined) values.tags = cleanTags(input.tags);
  if (input.slug !== undefined) {
    if (await slugTaken(db, kbArticles, orgId, input.slug, before?.id)) throw conflict(`Another article already uses the slug "${input.slug}"`);
    values.slug = input.slug;
  }
  return values;
}

const slugConflict = (err: unknown, slug: string | undefined) =>
  isUniqueViolation(err) ? conflict(`Another article already uses the slug "${slug}"`) : err;

export async function createArticle(
  db: Db,
  orgId: string,
  actor: KbActor,
  input: ArticleInput & { title: string; status?: KbArticleStatus },
) {
  if (input.status === "published" && !allows(actor, "kb:publish")) {
    throw forbidden(`Your role (${actor.role}) can write drafts; a manager publishes them`);
  }
  const values = await articleValues(db, orgId, input);
  const now = Date.now();
  const published = input.status === "published";
  const row: KbArticle = {
    id: newId(),
    orgId,
    categoryId: values.categoryId ?? null,
    title: values.title!,
    slug: values.slug ?? (await freeSlug(db, kbArticles, orgId, slugify(values.title!, "article"))),
    body: values.body ?? "",
    bodyText: values.bodyText ?? "",
    status: published ? "published" : "draft",
    authorId: actor.userId,
    tags: values.tags ?? [],
    publishedAt: published ? now : null,
    viewCount: 0,
    helpfulCount: 0,
    notHelpfulCount: 0,
    createdBy: actor.userId,
    updatedBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.batch([
      db.insert(kbArticles).values(row),
      auditStatement(db, orgId, {
        actorId: actor.userId,
        action: "create",
        entity: "kb_article",
        entityId: row.id,
        changes: { title: row.title, slug: row.slug, status: row.status, categoryId: row.categoryId },
        requestId: actor.requestId,
      }),
    ]);
  } catch (err) {
    throw slugConflict(err, row.slug);
  }
  return row;
}

export async function updateArticle(db: Db, orgId: string, actor: KbActor, id: string, input: ArticleInput) {
  const before = await requireArticle(db, orgId, id);
  assertMayEdit(actor, before, "edit");
  const values = await articleValues(db, orgId, input, before);
  const { bodyText: _b, ...audited } = values;
  const changes = changesOf(before, audited);
  // The audit row records that the body changed, not two copies of it.
  if (changes.body) changes.body = { from: `${before.body.length} characters`, to: `${values.body!.length} characters` };
  if (Object.keys(changes).length === 0) return before;
  try {
    const [[after]] = await db.batch([
      db
        .update(kbArticles)
        .set({ ...values, updatedBy: actor.userId, updatedAt: Date.now() })
        .where(and(eq(kbArticles.orgId, orgId), eq(kbArticles.id, id)))
        .returning(),
      auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "kb_article", entityId: id, changes, requestId: actor.requestId }),
    ]);
    return after!;
  } catch (err) {
    throw slugConflict(err, values.slug);
  }
}

/** Publishes or unpublishes (kb:publish, checked by the route). The first publication date is kept. */
export async function setArticleStatus(db: Db, orgId: string, actor: KbActor, id: string, status: KbArticleStatus) {
  const before = await requireArticle(db, orgId, id);
  if (before.status === status) return before;
  if (status === "published" && !before.title.trim()) throw invalid({ title: ["An article needs a title to be published"] });
  const now = Date.now();
  const [[after]] = await db.batch([
    db
      .update(kbArticles)
      .set({ status, publishedAt: status === "published" ? now : before.publishedAt, updatedBy: actor.userId, updatedAt: now })
      .where(and(eq(kbArticles.orgId, orgId), eq(kbArticles.id, id)))
      .returning(),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: status === "published" ? "publish" : "unpublish",
      entity: "kb_article",
      entityId: id,
      changes: { status: { from: before.status, to: status } },
      requestId: actor.requestId,
    }),
  ]);
  return after!;
}

export async function deleteArticle(db: Db, orgId: string, actor: KbActor, id: string) {
  const article = await requireArticle(db, orgId, id);
  assertMayEdit(actor, article, "delete");
  await db.batch([
    db.delete(kbArticles).where(and(eq(kbArticles.orgId, orgId), eq(kbArticles.id, id))),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "delete",
      entity: "kb_article",
      entityId: id,
      changes: { title: article.title, slug: article.slug, status: article.status },
      requestId: actor.requestId,
    }),
  ]);
}
