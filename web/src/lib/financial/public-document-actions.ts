/**
 * The customer's buttons on a document link: answering a quote and paying an
 * invoice online. No session; the link's token is the key.
 */
import { ApiError, publicFetch } from '$lib/api/api-client';
import { data, publicClient } from '$lib/api/typed-api';

const tokenParam = (token: string) => ({ param: { token: encodeURIComponent(token) } });

export const loadPublicDocument = (token: string) => data(publicClient.api.public.documents[':token'].$get(tokenParam(token)));

export const answerQuote = (token: string, accept: boolean, name: string) =>
	data(
		accept
			? publicClient.api.public.documents[':token'].accept.$post({ ...tokenParam(token), json: { name } })
			: publicClient.api.public.documents[':token'].decline.$post({ ...tokenParam(token), json: { name } })
	);

export const publicPdfUrl = (token: string) => publicClient.api.public.documents[':token'].pdf.$url(tokenParam(token)).toString();

/**
 * Starts an online payment: the server answers the payment page's URL, or
 * `not_configured` when the organization takes no online payments. The pay
 * route belongs to the payments part, so its URL is the document's plus "/pay".
 */
export async function startPayment(token: string): Promise<{ url: string } | { unavailable: true }> {
	const base = publicClient.api.public.documents[':token'].$url(tokenParam(token));
	const res = await publicFetch(`${base.toString()}/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
	const body = (await res.json().catch(() => null)) as { data?: { url?: string }; error?: { code?: string; message?: string } } | null;
	if (res.ok && body?.data?.url) return { url: body.data.url };
	if (body?.error?.code === 'not_configured' || res.status === 404) return { unavailable: true };
	throw new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? 'Could not start the payment');
}
