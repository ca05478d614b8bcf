import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import type { Permission } from "../../platform/permissions";
import { requirePermission } from "../../platform/auth-middleware";
import {
  ArticleListItemSchema,
  ArticleSchema,
  ArticleSortParam,
  CategorySchema,
  CategoryWithCountsSchema,
  CreateArticleBody,
  CreateCategoryBody,
  SuggestionSchema,
  SuggestQuery,
  UpdateArticleBody,
  UpdateCategoryBody,
} from "./kb-schemas";
import { createArticle, deleteArticle, requireArticle, setArticleStatus, updateArticle } from "./kb-articles";
import { createCategory, deleteCategory, listCategories, updateCategory } from "./kb-categories";
import { forgetHelpHome } from "../help-center/help-cache";
import { orgSlugOf, withUrls } from "../help-center/help-center";
import { articleDetail, listArticles, suggestArticles } from "./kb-queries";
import { KB_ARTICLE_STATUSES } from "../../../schema";

/**
 * /api/support/knowledge-base: categories and Markdown articles, drafts and
 * published. Everyone reads (kb:read); agents write drafts (kb:write);
 * managers and up publish, edit published articles and curate categories
 * (kb:publish). The public, read-only side is worker/support/help-center/help-center-routes.ts.
 */
const tags = ["Knowledge base"];
const security = [{ bearerAuth: [] }];
const conflict409 = { 409: jsonResponse(z.any(), "The slug is taken in this organization") };

function scope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, actor: { userId: auth.userId, role: auth.role, requestId: c.get("requestId") } };
}

const route = <M extends "get" | "post" | "patch" | "delete", P extends string>(method: M, path: P, permission: Permission, summary: string) => ({
  method,
  path,
  tags,
  security,
  summary,
  middleware: [requirePermission(permission)],
});

const CategoryId = z.object({ id: IdParam.shape.id });

const routes = {
  listCategories: createRoute({
    ...route("get", "/categories", "kb:read", "Categories in display order, with article counts"),
    responses: { 200: jsonResponse(envelope(z.array(CategoryWithCountsSchema)), "Categories"), ...standardErrors },
  }),
  createCategory: createRoute({
    ...route("post", "/categories", "kb:publish", "Create a category (slug from the name unless given)"),
    request: jsonBody(CreateCategoryBody),
    responses: { 201: jsonResponse(envelope(CategorySchema), "Created"), ...standardErrors, ...conflict409 },
  }),
  updateCategory: createRoute({
    ...route("patch", "/categories/{id}", "kb:publish", "Rename, re-slug, describe or reorder a category"),
    request: { params: CategoryId, ...jsonBody(UpdateCategoryBody) },
    responses: { 200: jsonResponse(envelope(CategorySchema), "Updated"), ...standardErrors, ...conflict409 },
  }),
  deleteCategory: createRoute({
    ...route("delete", "/categories/{id}", "kb:publish", "Delete a category; its articles stay, uncategorized"),
    request: { params: CategoryId },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
  listArticles: createRoute({
    ...route("get", "/articles", "kb:read", "Articles, filtered, searched, sorted and paginated"),
    description:
      "`q` is full-text (FTS5) over title, body and tags: every word matches as a prefix, ranked by bm25 (title above tags above body). " +
      "`categoryId=none` lists uncategorized articles.",
    request: {
      query: z.object({
        ...paginationQuery,
        q: z.string().max(200).optional(),
        status: z.enum(KB_ARTICLE_STATUSES).optional(),
        categoryId: z.string().min(1).max(64).optional(),
        tag: z.string().trim().min(1).max(40).optional(),
        authorId: z.string().min(1).max(64).optional(),
        sort: ArticleSortParam,
      }),
    },
    responses: { 200: jsonResponse(listEnvelope(ArticleListItemSchema), "Articles"), ...standardErrors },
  }),
  createArticle: createRoute({
    ...route("post", "/articles", "kb:write", "Write an article (a draft unless you may publish and ask to)"),
    request: jsonBody(CreateArticleBody),
    responses: { 201: jsonResponse(envelope(ArticleSchema), "Created"), ...standardErrors, ...conflict409 },
  }),
  suggest: createRoute({
    ...route("get", "/suggest", "kb:read", "Published articles that answer a free text (a reply draft, a ticket subject)"),
    description:
      "The text's significant words (stop-words dropped, lightly stemmed) are ORed as prefixes; articles matching more and rarer words rank first. " +
      "Any text is accepted; one with no significant word answers an empty list.",
    request: { query: SuggestQuery },
    responses: { 200: jsonResponse(envelope(z.array(SuggestionSchema)), "Suggestions, best first"), ...standardErrors },
  }),
  getArticle: createRoute({
    ...route("get", "/articles/{id}", "kb:read", "One article with its Markdown body and sanitized HTML"),
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(ArticleSchema), "Article"), ...standardErrors },
  }),
  updateArticle: createRoute({
    ...route("patch", "/articles/{id}", "kb:write", "Edit an article (a published one needs kb:publish)"),
    request: { params: IdParam, ...jsonBody(UpdateArticleBody) },
    responses: { 200: jsonResponse(envelope(ArticleSchema), "Updated"), ...standardErrors, ...conflict409 },
  }),
  deleteArticle: createRoute({
    ...route("delete", "/articles/{id}", "kb:write", "Delete an article (agents: only their own drafts)"),
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
  publish: createRoute({
    ...route("post", "/articles/{id}/publish", "kb:publish", "Publish an article to the help center"),
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(ArticleSchema), "Published"), ...standardErrors },
  }),
  unpublish: createRoute({
    ...route("post", "/articles/{id}/unpublish", "kb:publish", "Take an article back to draft"),
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(ArticleSchema), "Unpublished"), ...standardErrors },
  }),
};

const router = createRouter();
// Any successful write may change what the public help center lists.
router.use("*", async (c, next) => {
  await next();
  if (c.req.method !== "GET" && c.res.status < 300) await forgetHelpHome(c.env, c.get("auth").orgId);
});

export const supportKbRoutes = router
  .openapi(routes.listCategories, async (c) => {
    const { db, orgId } = scope(c);
    return ok(c, await listCategories(db, orgId), { status: 200 });
  })
  .openapi(routes.createCategory, async (c) => {
    const { db, orgId, actor } = scope(c);
    return ok(c, await createCategory(db, orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.updateCategory, async (c) => {
    const { db, orgId, actor } = scope(c);
    return ok(c, await updateCategory(db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), { status: 200 });
  })
  .openapi(routes.deleteCategory, async (c) => {
    const { db, orgId, actor } = scope(c);
    await deleteCategory(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Category deleted" });
  })
  .openapi(routes.listArticles, async (c) => {
    const q = c.req.valid("query");
    const { db, orgId } = scope(c);
    const { rows, total } = await listArticles(db, orgId, {
      ...q,
      perPage: q.per_page,
      categoryId: q.categoryId === "none" ? null : q.categoryId,
    });
    return ok(c, rows, { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.createArticle, async (c) => {
    const { db, orgId, actor } = scope(c);
    const article = await createArticle(db, orgId, actor, c.req.valid("json"));
    return ok(c, await articleDetail(db, orgId, article), { status: 201 });
  })
  .openapi(routes.suggest, async (c) => {
    const { text, limit } = c.req.valid("query");
    const { db, orgId } = scope(c);
    const rows = await suggestArticles(db, orgId, text, limit);
    return ok(c, rows.length ? withUrls(await orgSlugOf(db, orgId), rows) : [], { status: 200 });
  })
  .openapi(routes.getArticle, async (c) => {
    const { db, orgId } = scope(c);
    return ok(c, await articleDetail(db, orgId, await requireArticle(db, orgId, c.req.valid("param").id)), { status: 200 });
  })
  .openapi(routes.updateArticle, async (c) => {
    const { db, orgId, actor } = scope(c);
    const article = await updateArticle(db, orgId, actor, c.req.valid("param").id, c.req.valid("json"));
    return ok(c, await articleDetail(db, orgId, article), { status: 200 });
  })
  .openapi(routes.deleteArticle, async (c) => {
    const { db, orgId, actor } = scope(c);
    await deleteArticle(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Article deleted" });
  })
  .openapi(routes.publish, async (c) => {
    const { db, orgId, actor } = scope(c);
    const article = await setArticleStatus(db, orgId, actor, c.req.valid("param").id, "published");
    return ok(c, await articleDetail(db, orgId, article), { status: 200 });
  })
  .openapi(routes.unpublish, async (c) => {
    const { db, orgId, actor } = scope(c);
    const article = await setArticleStatus(db, orgId, actor, c.req.valid("param").id, "draft");
    return ok(c, await articleDetail(db, orgId, article), { status: 200 });
  });
