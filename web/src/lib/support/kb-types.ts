/** The knowledge base's API shapes (worker/support/knowledge-base, worker/support/help-center), derived from its routes. */
import type { client, DataOf, publicClient } from '$lib/api/typed-api';

type Kb = (typeof client.api.support)['knowledge-base'];
type Help = (typeof publicClient.api.help)[':orgSlug'];

/** A category with its article counts (all articles, and published ones). */
export type KbCategory = DataOf<ReturnType<Kb['categories']['$get']>>[number];
export type KbArticleListItem = DataOf<ReturnType<Kb['articles']['$get']>>[number];
export type KbArticle = DataOf<ReturnType<Kb['articles'][':id']['$get']>>;
export type KbStatus = KbArticle['status'];

/** What either suggest endpoint answers (the agent one, or the public help center's). */
export type SuggestedArticle =
	| DataOf<ReturnType<Kb['suggest']['$get']>>[number]
	| DataOf<ReturnType<Help['suggest']['$get']>>[number];

export type HelpCenter = DataOf<ReturnType<Help['$get']>>;
export type HelpArticle = DataOf<ReturnType<Help['articles'][':slug']['$get']>>;
export type HelpArticleListItem = DataOf<ReturnType<Help['articles']['$get']>>[number];
/** What the help center's contact form gets back once its ticket is opened. */
export type HelpTicketReceipt = DataOf<ReturnType<Help['tickets']['$post']>>;

/** A help center's path parameter, encoded here because hc puts path parameters into the URL as given. */
export const helpCenterParam = (orgSlug: string) => ({ orgSlug: encodeURIComponent(orgSlug) });
