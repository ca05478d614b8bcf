/**
 * The API as the app calls it: Hono's `hc` client over the Worker's own route
 * types (`AppType`, emitted by `npm run check` into web/.api-types), so every
 * path, parameter, body and answer is checked against the server's schemas.
 * Requests go through the session's fetch (bearer token, one refresh and retry
 * on a 401); `data()` and `page()` open the envelope or throw `ApiError`.
 */
import { hc, type ClientResponse } from 'hono/client';
import type { SuccessStatusCode } from 'hono/utils/http-status';
import type { AppType } from '$api-types/worker/app';
import { authedFetch, publicFetch } from './api-client';
import { toApiError, unwrap, type ListMeta } from './api-response';

const origin = typeof location === 'undefined' ? 'http://localhost' : location.origin;

/** Routes that need a session. */
export const client = hc<AppType>(origin, { fetch: authedFetch });
/** Public routes (sign-in, registration, invitation links, help center): no bearer token. */
export const publicClient = hc<AppType>(origin, { fetch: publicFetch });

type AnyResponse = ClientResponse<unknown, number, string>;
type SuccessBody<R> = R extends ClientResponse<infer B, infer S, string> ? (S extends SuccessStatusCode ? B : never) : never;
/** What a route answers as `data` on success. */
export type DataOf<R> = SuccessBody<Awaited<R>> extends { data: infer D } ? D : never;

async function success(pending: Promise<AnyResponse> | AnyResponse): Promise<Response> {
	const res = (await pending) as unknown as Response;
	if (!res.ok) throw await toApiError(res);
	return res;
}

/** The `data` of a successful answer; `ApiError` otherwise. */
export async function data<R extends AnyResponse>(pending: Promise<R> | R): Promise<DataOf<R>> {
	const res = await success(pending);
	if (res.status === 204) return null as DataOf<R>;
	return (await unwrap<DataOf<R>>(res)).data;
}

/** A list answer: its rows and its pagination. */
export async function page<R extends AnyResponse>(pending: Promise<R> | R): Promise<{ data: DataOf<R>; meta: ListMeta }> {
	const envelope = await unwrap<DataOf<R>>(await success(pending));
	return { data: envelope.data, meta: envelope.meta as ListMeta };
}

/** A successful answer's message (e.g. "Invitation sent") alongside its data. */
export async function withMessage<R extends AnyResponse>(pending: Promise<R> | R): Promise<{ data: DataOf<R>; message?: string }> {
	const envelope = await unwrap<DataOf<R>>(await success(pending));
	return { data: envelope.data, message: envelope.message };
}
