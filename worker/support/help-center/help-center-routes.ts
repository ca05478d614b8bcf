import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { AppError, notFound } from "../../platform/errors";
import { createRouter, envelope, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery } from "../../platform/http";
import { kbCategories } from "../../../schema";
import { ArticleListItemSchema, CategorySchema, SuggestQuery } from "../knowledge-base/kb-schemas";
import { openTicket } from "../tickets/ticket-flow";
import { cachedHelpHome } from "./help-cache";
import { contactIdForEmail, countView, helpCenterHome, helpCenterOrg, helpUrl, recordFeedback } from "./help-center";
import { articleDetail, findArticleBySlug, listArticles, suggestArticles, type ArticleListItem } from "../knowledge-base/kb-queries";
import { hitRateLimit } from "../../platform/rate-limit";

/**
 * /api/help/:orgSlug: each organization's public help center. No sign-in;
 * only published articles exist here, so a draft, another organization's
 * article and an unknown organization all answer 404. Requests are counted
 * per organization and client address (a type-ahead search sends one per
 * keystroke, hence the generous read limit).
 */
const tags = ["Help center"];
/** Requests per client address and organization: [count, window]. */
const LIMITS = {
  read: [240, 60_000],
  feedback: [20, 60_000],
  ticket: [5, 10 * 60_000],
} as const;

const OrgParam = z.object({ orgSlug: z.string().min(1).max(100).openapi({ param: { name: "orgSlug", in: "path" } }) });
const ArticleParam = OrgParam.extend({ slug: z.string().min(1).max(100).openapi({ param: { name: "slug", in: "path" } }) });

const errors = {
  400: jsonResponse(z.any(), "Invalid input"),
  404: jsonResponse(z.any(), "No such help center or article"),
  429: jsonResponse(z.any(), "Too many requests (see Retry-After)"),
};

const PublicItemSchema = ArticleListItemSchema.pick({
  id: true,
  categoryId: true,
  title: true,
  slug: true,
  tags: true,
  publishedAt: true,
  updatedAt: true,
  excerpt: true,
  snippetHtml: true,
  score: true,
})
  .extend({ url: z.string() })
  .openapi("HelpArticleListItem");

const PublicArticleSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    slug: z.string(),
    html: z.string().openapi({ description: "Sanitized HTML of the Markdown body" }),
    tags: z.array(z.string()),
    publishedAt: z.number().int().nullable(),
    updatedAt: z.number().int(),
    category: z.object({ id: z.string(), name: z.string(), slug: z.string() }).nullable(),
  })
  .openapi("HelpArticle");

const publicItem = (orgSlug: string, r: ArticleListItem) => ({
  id: r.id,
  categoryId: r.categoryId,
  title: r.title,
  slug: r.slug,
  tags: r.tags,
  publishedAt: r.publishedAt,
  updatedAt: r.updatedAt,
  excerpt: r.excerpt,
  snippetHtml: r.snippetHtml,
  score: r.score,
  url: helpUrl(orgSlug, r.slug),
});

/** Resolves the organization (404 when unknown) and counts the request against the caller's budget. */
async function openHelpCenter(c: Context<AppEnv>, kind: keyof typeof LIMITS) {
  const db = orgDb(c.env, "");
  const org = await helpCenterOrg(db, c.req.param("orgSlug") ?? "");
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  const [limit, windowMs] = LIMITS[kind];
  const verdict = await hitRateLimit(db, `help:${kind}:${org.id}:${ip}`, limit, windowMs);
  if (!verdict.allowed) {
    throw new AppError("rate_limited", `Too many requests; try again in ${verdict.retryAfterSeconds} s`, undefined, {
      "Retry-After": String(verdict.retryAfterSeconds),
    });
  }
  return { org, db: orgDb(c.env, org.id) };
}

const routes = {
  home: createRoute({
    method: "get",
    path: "/{orgSlug}",
    tags,
    summary: "The help center's name and its categories that have published articles",
    request: { params: OrgParam },
    responses: {
      200: jsonResponse(
        envelope(
          z.object({
            organization: z.object({ name: z.string(), slug: z.string() }),
            categories: z.array(CategorySchema.extend({ articleCount: z.number().int() })),
          }),
        ),
        "Help center",
      ),
      ...errors,
    },
  }),
  list: createRoute({
    method: "get",
    path: "/{orgSlug}/articles",
    tags,
    summary: "Published articles; `q` searches as you type (every word as a prefix, best first)",
    request: {
      params: OrgParam,
      query: z.object({ ...paginationQuery, q: z.string().max(200).optional(), category: z.string().min(1).max(100).optional() }),
    },
    responses: { 200: jsonResponse(listEnvelope(PublicItemSchema), "Articles"), ...errors },
  }),
  suggest: createRoute({
    method: "get",
    path: "/{orgSlug}/suggest",
    tags,
    summary: "Published articles that may answer a question (the subject of a contact form)",
    request: { params: OrgParam, query: SuggestQuery },
    responses: { 200: jsonResponse(envelope(z.array(PublicItemSchema)), "Suggestions, best first"), ...errors },
  }),
  get: createRoute({
    method: "get",
    path: "/{orgSlug}/articles/{slug}",
    tags,
    summary: "One published article, rendered",
    request: { params: ArticleParam },
    responses: { 200: jsonResponse(envelope(PublicArticleSchema), "Article"), ...errors },
  }),
  feedback: createRoute({
    method: "post",
    path: "/{orgSlug}/articles/{slug}/feedback",
    tags,
    summary: "\"Was this article helpful?\"",
    request: { params: ArticleParam, ...jsonBody(z.object({ helpful: z.boolean() }).strict()) },
    responses: { 200: jsonResponse(envelope(z.null()), "Counted"), ...errors },
  }),
  ticket: createRoute({
    method: "post",
    path: "/{orgSlug}/tickets",
    tags,
    summary: "Contact support: opens a ticket (channel web) for the organization's agents",
    description: "The sender becomes the requester, linked to the organization's contact with that email when there is one.",
    request: {
      params: OrgParam,
      ...jsonBody(
        z
          .object({
            name: z.string().trim().min(1).max(120),
            email: z.email().max(254),
            subject: z.string().trim().min(3).max(200),
            message: z.string().trim().min(10).max(10_000),
          })
          .strict(),
      ),
    },
    responses: {
      201: jsonResponse(envelope(z.object({ number: z.number().int(), subject: z.string() })), "Ticket opened"),
      ...errors,
    },
  }),
};

export const helpCenterRoutes = createRouter()
  .openapi(routes.home, async (c) => {
    const { org, db } = await openHelpCenter(c, "read");
    const { categories } = await cachedHelpHome(c.env, org.id, () => helpCenterHome(db, org));
    return ok(c, { organization: { name: org.name, slug: org.slug }, categories }, { status: 200 });
  })
  .openapi(routes.list, async (c) => {
    const { org, db } = await openHelpCenter(c, "read");
    const q = c.req.valid("query");
    let categoryId: string | undefined;
    if (q.category) {
      const category = await db
        .select({ id: kbCategories.id })
        .from(kbCategories)
        .where(and(eq(kbCategories.orgId, org.id), eq(kbCategories.slug, q.category)))
        .get();
      if (!category) return ok(c, [], { status: 200, meta: metaOf(q.page, q.per_page, 0) });
      categoryId = category.id;
    }
    const { rows, total } = await listArticles(db, org.id, {
      page: q.page,
      perPage: q.per_page,
      q: q.q,
      status: "published",
      categoryId,
      sort: q.q?.trim() ? "relevance" : "title",
    });
    return ok(c, rows.map((r) => publicItem(org.slug, r)), { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.suggest, async (c) => {
    const { org, db } = await openHelpCenter(c, "read");
    const { text, limit } = c.req.valid("query");
    const rows = await suggestArticles(db, org.id, text, limit);
    return ok(c, rows.map((r) => publicItem(org.slug, r)), { status: 200 });
  })
  .openapi(routes.get, async (c) => {
    const { org, db } = await openHelpCenter(c, "read");
    const article = await findArticleBySlug(db, org.id, c.req.valid("param").slug, "published");
    if (!article) throw notFound("Article");
    const detail = await articleDetail(db, org.id, article);
    await countView(db, org.id, article.id);
    return ok(
      c,
      {
        id: detail.id,
        title: detail.title,
        slug: detail.slug,
        html: detail.html,
        tags: detail.tags,
        publishedAt: detail.publishedAt,
        updatedAt: detail.updatedAt,
        category: detail.category,
      },
      { status: 200 },
    );
  })
  .openapi(routes.feedback, async (c) => {
    const { org, db } = await openHelpCenter(c, "feedback");
    const article = await findArticleBySlug(db, org.id, c.req.valid("param").slug, "published");
    if (!article) throw notFound("Article");
    await recordFeedback(db, org.id, article.id, c.req.valid("json").helpful);
    return ok(c, null, { status: 200, message: "Thanks for the feedback" });
  })
  .openapi(routes.ticket, async (c) => {
    const { org, db } = await openHelpCenter(c, "ticket");
    const input = c.req.valid("json");
    const email = input.email.toLowerCase();
    const ticket = await openTicket(c.env, org.id, { userId: null, requestId: c.get("requestId") }, {
      subject: input.subject,
      description: input.message,
      channel: "web",
      requesterEmail: email,
      requesterName: input.name,
      contactId: await contactIdForEmail(db, org.id, email),
    });
    return ok(c, { number: ticket.number, subject: ticket.subject }, { status: 201, message: "We received your request" });
  });
