import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const KB_ARTICLE_STATUSES = ["draft", "published"] as const;
export type KbArticleStatus = (typeof KB_ARTICLE_STATUSES)[number];

export const kbCategories = sqliteTable(
  "kb_categories",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    /** The category's address in the public help center (/help/<org>/?category=<slug>). */
    slug: text("slug").notNull(),
    /** Display order, ascending. */
    position: integer("position").notNull().default(0),
    description: text("description"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("kb_categories_org_slug_idx").on(t.orgId, t.slug), index("kb_categories_org_position_idx").on(t.orgId, t.position)],
);

export const kbArticles = sqliteTable(
  "kb_articles",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    categoryId: text("category_id"),
    title: text("title").notNull(),
    /** The article's address in the public help center; unique per organization and stable across title edits. */
    slug: text("slug").notNull(),
    /** Markdown, as written. Rendered and sanitized on the way out, never stored as HTML. */
    body: text("body").notNull().default(""),
    /** The body as plain text (rendered, tags removed): what full-text search indexes and snippets quote. */
    bodyText: text("body_text").notNull().default(""),
    status: text("status", { enum: KB_ARTICLE_STATUSES }).notNull().default("draft"),
    authorId: text("author_id"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
    publishedAt: integer("published_at"),
    viewCount: integer("view_count").notNull().default(0),
    helpfulCount: integer("helpful_count").notNull().default(0),
    notHelpfulCount: integer("not_helpful_count").notNull().default(0),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("kb_articles_org_slug_idx").on(t.orgId, t.slug),
    index("kb_articles_org_status_idx").on(t.orgId, t.status, t.updatedAt),
    index("kb_articles_org_category_idx").on(t.orgId, t.categoryId),
  ],
);
