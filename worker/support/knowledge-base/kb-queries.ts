import { and, asc, count, desc, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Db } from "../../platform/db";
import { hasTag } from "../../platform/list";
import { kbArticles, kbCategories, type KbArticleStatus } from "../../../schema";
import { publicArticle, type KbArticle } from "./kb-articles";
import { excerptOf, renderMarkdown } from "./kb-render";
import { allWordsMatch, anyWordMatches, MARK_CLOSE, MARK_OPEN, snippetHtml } from "./kb-search";

/**
 * The FTS5 table of migrations/0008, declared here for queries only: it is
 * not in schema/, so drizzle-kit never tries to create it as a plain table.
 */
const articlesFts = sqliteTable("kb_articles_fts", { rowid: integer("rowid").notNull(), orgId: text("org_id") });

/** bm25 weights: org_id 0 (every row matches it), title 10, body 1, tags 5. */
const rank = sql<number>`bm25(${articlesFts}, 0.0, 10.0, 1.0, 5.0)`;
const snippet = sql<string | null>`snippet(${articlesFts}, 2, ${MARK_OPEN}, ${MARK_CLOSE}, '…', 18)`;

export const ARTICLE_SORTS = ["relevance", "title", "createdAt", "updatedAt", "publishedAt", "views"] as const;
export type ArticleSort = (typeof ARTICLE_SORTS)[number] | `-${(typeof ARTICLE_SORTS)[number]}`;

export interface ArticleQuery {
  page: number;
  perPage: number;
  /** Default: relevance with `q`, newest edit first without. */
  sort?: ArticleSort;
  q?: string;
  status?: KbArticleStatus;
  categoryId?: string | null;
  tag?: string;
  authorId?: string;
}

/** A list row: the article without its body, with an excerpt and, when searching, a highlighted snippet and score. */
function listItem(row: KbArticle & { rank?: number | null; snippet?: string | null }) {
  const { body: _body, ...article } = publicArticle(row);
  const snip = row.snippet && row.snippet.includes(MARK_OPEN) ? snippetHtml(row.snippet) : null;
  return {
    ...article,
    excerpt: excerptOf(row.bodyText),
    snippetHtml: snip,
    score: row.rank == null ? null : Number((-row.rank).toPrecision(6)),
  };
}
export type ArticleListItem = ReturnType<typeof listItem>;

function orderOf(sort: ArticleSort, searching: boolean): SQL[] {
  const key = sort.replace(/^-/, "") as (typeof ARTICLE_SORTS)[number];
  const dir = sort.startsWith("-") ? desc : asc;
  const column = {
    relevance: null,
    title: sql`${kbArticles.title} COLLATE NOCASE`,
    createdAt: kbArticles.createdAt,
    updatedAt: kbArticles.updatedAt,
    publishedAt: kbArticles.publishedAt,
    views: kbArticles.viewCount,
  }[key];
  if (!column) return searching ? [asc(rank), desc(kbArticles.updatedAt), asc(kbArticles.id)] : [desc(kbArticles.updatedAt), asc(kbArticles.id)];
  return [dir(column), asc(kbArticles.id)];
}

/** Articles matching `match` (an FTS5 expression) or all, filtered, sorted and paginated. */
async function pageOfArticles(db: Db, orgId: string, q: ArticleQuery, match: string | null) {
  const where = and(
    eq(kbArticles.orgId, orgId),
    match ? sql`${articlesFts} MATCH ${match}` : undefined,
    q.status ? eq(kbArticles.status, q.status) : undefined,
    q.categoryId === null ? sql`${kbArticles.categoryId} IS NULL` : q.categoryId ? eq(kbArticles.categoryId, q.categoryId) : undefined,
    q.tag ? hasTag(kbArticles.tags, q.tag) : undefined,
    q.authorId ? eq(kbArticles.authorId, q.authorId) : undefined,
  );
  const join = sql`${articlesFts.rowid} = ${kbArticles}.rowid`;
  const sort = q.sort ?? (match ? "relevance" : "-updatedAt");
  const columns = { ...getTableColumns(kbArticles), ...(match ? { rank, snippet } : {}) };
  const rowsQuery = db.select(columns).from(kbArticles).$dynamic();
  const countQuery = db.select({ total: count() }).from(kbArticles).$dynamic();
  if (match) {
    rowsQuery.innerJoin(articlesFts, join);
    countQuery.innerJoin(articlesFts, join);
  }
  const [rows, [total]] = await Promise.all([
    rowsQuery
      .where(where)
      .orderBy(...orderOf(sort, match !== null))
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage),
    countQuery.where(where),
  ]);
  return { rows: rows.map((r) => listItem(r as KbArticle & { rank?: number; snippet?: string })), total: total?.total ?? 0 };
}

/** The knowledge base list: `q` is type-ahead (every word, as a prefix). */
export async function listArticles(db: Db, orgId: string, q: ArticleQuery) {
  if (q.q !== undefined && q.q.trim() !== "") {
    const match = allWordsMatch(orgId, q.q);
    if (!match) return { rows: [], total: 0 };
    return pageOfArticles(db, orgId, q, match);
  }
  return pageOfArticles(db, orgId, q, null);
}

/**
 * The published articles that best answer a free text (a reply draft, a
 * ticket subject): any significant word may match, best first.
 */
export async function suggestArticles(db: Db, orgId: string, text: string, limit: number) {
  const match = anyWordMatches(orgId, text);
  if (!match) return [];
  const { rows } = await pageOfArticles(db, orgId, { page: 1, perPage: limit, status: "published", sort: "relevance" }, match);
  return rows;
}

async function categoryOf(db: Db, orgId: string, categoryId: string | null) {
  if (!categoryId) return null;
  const row = await db
    .select({ id: kbCategories.id, name: kbCategories.name, slug: kbCategories.slug })
    .from(kbCategories)
    .where(and(eq(kbCategories.orgId, orgId), eq(kbCategories.id, categoryId)))
    .get();
  return row ?? null;
}

/** The full article: Markdown body, its sanitized HTML, and its category. */
export async function articleDetail(db: Db, orgId: string, article: KbArticle) {
  return { ...publicArticle(article), html: renderMarkdown(article.body), category: await categoryOf(db, orgId, article.categoryId) };
}

export async function findArticleBySlug(db: Db, orgId: string, slug: string, status?: KbArticleStatus) {
  const row = await db
    .select()
    .from(kbArticles)
    .where(and(eq(kbArticles.orgId, orgId), eq(kbArticles.slug, slug), status ? eq(kbArticles.status, status) : undefined))
    .get();
  return row ?? null;
}
