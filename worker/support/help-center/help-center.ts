import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { notFound } from "../../platform/errors";
import { contacts, kbArticles, organizations } from "../../../schema";
import { listCategories } from "../knowledge-base/kb-categories";
import type { ArticleListItem } from "../knowledge-base/kb-queries";

/** Where an article lives in the public help center. */
export const helpUrl = (orgSlug: string, articleSlug: string) =>
  `/help/${encodeURIComponent(orgSlug)}/articles/${encodeURIComponent(articleSlug)}`;

export async function orgSlugOf(db: Db, orgId: string): Promise<string> {
  const row = await db.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, orgId)).get();
  if (!row) throw notFound("Organization");
  return row.slug;
}

/** The organization behind a help center address; unknown ones are 404 like a missing article. */
export async function helpCenterOrg(db: Db, orgSlug: string) {
  const row = await db
    .select({ id: organizations.id, name: organizations.name, slug: organizations.slug })
    .from(organizations)
    .where(eq(organizations.slug, orgSlug))
    .get();
  if (!row) throw notFound("Help center");
  return row;
}

export const withUrls = (orgSlug: string, rows: ArticleListItem[]) => rows.map((r) => ({ ...r, url: helpUrl(orgSlug, r.slug) }));

/** The help center's front page: categories with published articles, in display order. */
export async function helpCenterHome(db: Db, org: { id: string; name: string; slug: string }) {
  const categories = (await listCategories(db, org.id))
    .filter((c) => c.publishedCount > 0)
    .map(({ articleCount: _a, publishedCount, ...c }) => ({ ...c, articleCount: publishedCount }));
  return { organization: { name: org.name, slug: org.slug }, categories };
}

/** Counts a public read; the FTS triggers ignore this column. */
export async function countView(db: Db, orgId: string, articleId: string) {
  await db
    .update(kbArticles)
    .set({ viewCount: sql`${kbArticles.viewCount} + 1` })
    .where(and(eq(kbArticles.orgId, orgId), eq(kbArticles.id, articleId)));
}

export async function recordFeedback(db: Db, orgId: string, articleId: string, helpful: boolean) {
  const column = helpful ? kbArticles.helpfulCount : kbArticles.notHelpfulCount;
  await db
    .update(kbArticles)
    .set(helpful ? { helpfulCount: sql`${column} + 1` } : { notHelpfulCount: sql`${column} + 1` })
    .where(and(eq(kbArticles.orgId, orgId), eq(kbArticles.id, articleId)));
}

/** The organization's contact with this (lowercase) email, for a contact-form ticket; null when none. */
export async function contactIdForEmail(db: Db, orgId: string, email: string): Promise<string | null> {
  const row = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.orgId, orgId), eq(contacts.email, email)))
    .get();
  return row?.id ?? null;
}
