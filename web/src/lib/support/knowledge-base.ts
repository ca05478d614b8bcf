/** The knowledge base's API shapes (worker/services/kb/api-schemas.ts). */

export type KbStatus = 'draft' | 'published';

export interface KbCategory {
	id: string;
	name: string;
	slug: string;
	position: number;
	description: string | null;
	createdAt: number;
	updatedAt: number;
	/** In /api/support/knowledge-base/categories: all articles and published ones. */
	articleCount?: number;
	publishedCount?: number;
}

interface KbArticleCore {
	id: string;
	categoryId: string | null;
	title: string;
	slug: string;
	status: KbStatus;
	authorId: string | null;
	tags: string[];
	publishedAt: number | null;
	viewCount: number;
	helpfulCount: number;
	notHelpfulCount: number;
	createdAt: number;
	updatedAt: number;
}

export interface KbArticleListItem extends KbArticleCore {
	excerpt: string;
	/** Escaped text with matches in <mark>, when searching. */
	snippetHtml: string | null;
	score: number | null;
}

export interface KbArticle extends KbArticleCore {
	body: string;
	html: string;
	category: { id: string; name: string; slug: string } | null;
}

/** What both suggest endpoints answer (the agent one and the public help center's). */
export interface SuggestedArticle {
	id: string;
	title: string;
	slug: string;
	categoryId: string | null;
	excerpt: string;
	snippetHtml: string | null;
	score: number | null;
	/** The article in the public help center, e.g. /help/acme/articles/reset-your-password. */
	url: string;
}

export interface HelpCenter {
	organization: { name: string; slug: string };
	categories: (KbCategory & { articleCount: number })[];
}

export interface HelpArticle {
	id: string;
	title: string;
	slug: string;
	html: string;
	tags: string[];
	publishedAt: number | null;
	updatedAt: number;
	category: { id: string; name: string; slug: string } | null;
}

export type HelpArticleListItem = SuggestedArticle & { tags: string[]; publishedAt: number | null; updatedAt: number };
