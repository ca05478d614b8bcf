/**
 * The customer's buttons on a document link: answering a quote and paying an
 * invoice online. No session; the link's token is the key.
 */
import { ApiError } from '$lib/api/api-client';
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

/** Starts an online payment: the payment page's URL, or `unavailable` when the organization takes no online payments. */
export async function startPayment(token: string): Promise<{ url: string } | { unavailable: true }> {
	try {
		const link = await data(publicClient.api.public.documents[':token'].pay.$post(tokenParam(token)));
		return { url: link.url };
	} catch (err) {
		if (err instanceof ApiError && err.code === 'not_configured') return { unavailable: true };
		throw err;
	}
}
