import { z } from "@hono/zod-openapi";
import { KB_ARTICLE_STATUSES } from "../../../schema";
import { ARTICLE_SORTS, type ArticleSort } from "./kb-queries";
import { SLUG_MESSAGE, SLUG_PATTERN } from "./kb-slugs";

/** The knowledge base's request and response schemas, shared by worker/support/knowledge-base/kb-routes.ts and worker/support/help-center/help-center-routes.ts. */

export const MAX_BODY = 100_000;

export const Slug = z.string().trim().min(1).max(80).regex(SLUG_PATTERN, SLUG_MESSAGE);

export const CategorySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    position: z.number().int(),
    description: z.string().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("KbCategory");

export const CategoryWithCountsSchema = CategorySchema.extend({
  articleCount: z.number().int(),
  publishedCount: z.number().int(),
}).openapi("KbCategoryWithCounts");

const categoryFields = {
  name: z.string().trim().min(1).max(120),
  slug: Slug,
  description: z.string().max(1000).nullable(),
  position: z.number().int().min(0).max(100_000),
};
export const CreateCategoryBody = z
  .object({ ...categoryFields, slug: Slug.optional(), description: categoryFields.description.optional(), position: categoryFields.position.optional() })
  .strict();
export const UpdateCategoryBody = z.object(categoryFields).partial().strict();

const articleCore = {
  id: z.string(),
  categoryId: z.string().nullable(),
  title: z.string(),
  slug: z.string(),
  status: z.enum(KB_ARTICLE_STATUSES),
  authorId: z.string().nullable(),
  tags: z.array(z.string()),
  publishedAt: z.number().int().nullable(),
  viewCount: z.number().int(),
  helpfulCount: z.number().int(),
  notHelpfulCount: z.number().int(),
  createdBy: z.string().nullable(),
  updatedBy: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
};

export const ArticleListItemSchema = z
  .object({
    ...articleCore,
    excerpt: z.string().openapi({ description: "The first words of the body as plain text" }),
    snippetHtml: z.string().nullable().openapi({
      description: "When searching: the matching passage of the body as HTML, text escaped, matches in <mark>; null when only the title or tags matched",
    }),
    score: z.number().nullable().openapi({ description: "Relevance when searching (higher is better); null otherwise" }),
  })
  .openapi("KbArticleListItem");

export const ArticleSchema = z
  .object({
    ...articleCore,
    body: z.string().openapi({ description: "Markdown" }),
    html: z.string().openapi({ description: "The body rendered and sanitized (no scripts, event handlers, styles or unsafe URLs)" }),
    category: z.object({ id: z.string(), name: z.string(), slug: z.string() }).nullable(),
  })
  .openapi("KbArticle");

const articleFields = {
  title: z.string().trim().min(1).max(200),
  slug: Slug,
  body: z.string().max(MAX_BODY),
  categoryId: z.string().min(1).max(64).nullable(),
  tags: z.array(z.string().trim().min(1).max(40)).max(20),
};
export const CreateArticleBody = z
  .object({
    ...articleFields,
    slug: Slug.optional(),
    body: articleFields.body.optional(),
    categoryId: articleFields.categoryId.optional(),
    tags: articleFields.tags.optional(),
    status: z.enum(KB_ARTICLE_STATUSES).optional().openapi({ description: "published needs kb:publish; default draft" }),
  })
  .strict();
export const UpdateArticleBody = z.object(articleFields).partial().strict();

const sortValues = ARTICLE_SORTS.flatMap((s) => [s, `-${s}`]) as [string, ...string[]];
export const ArticleSortParam = z
  .enum(sortValues)
  .optional()
  .openapi({ description: "A field, \"-\" for descending; default relevance with q, else -updatedAt" }) as unknown as z.ZodOptional<
  z.ZodType<ArticleSort>
>;

export const SuggestionSchema = ArticleListItemSchema.extend({
  url: z.string().openapi({ description: "The article in the public help center, e.g. /help/acme/articles/reset-your-password" }),
}).openapi("KbSuggestion");

export const SuggestQuery = z.object({
  text: z.string().max(5000).openapi({ description: "Free text: a reply draft, a ticket subject" }),
  limit: z.coerce.number().int().min(1).max(10).default(5),
});
