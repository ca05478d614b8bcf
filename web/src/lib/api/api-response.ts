/** The API's answers as the client sees them: the success envelope, and `ApiError` for everything else. */
import type { ListMeta } from '$schema/envelope';

export type { ListMeta };

export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
	readonly status: number;
	readonly code: string;
	readonly details: unknown;
	/** Seconds, from Retry-After on 429 answers. */
	readonly retryAfter: number | null;

	constructor(
		status: number,
		code: string,
		message: string,
		details?: unknown,
		retryAfter: number | null = null
	) {
		super(message);
		this.name = 'ApiError';
		this.status = status;
		this.code = code;
		this.details = details;
		this.retryAfter = retryAfter;
	}

	/** `details` of a validation_error as one message per field, whatever its shape. */
	get fieldErrors(): FieldErrors {
		const out: FieldErrors = {};
		if (!this.details || typeof this.details !== 'object' || Array.isArray(this.details)) {
			return out;
		}
		for (const [field, value] of Object.entries(this.details as Record<string, unknown>)) {
			if (typeof value === 'string') out[field] = value;
			else if (Array.isArray(value)) {
				const messages = value.filter((v): v is string => typeof v === 'string');
				if (messages.length > 0) out[field] = messages.join(' ');
			}
		}
		return out;
	}
}

export function networkError() {
	return new ApiError(0, 'network_error', 'Could not reach NeuraCRM. Check your connection and try again.');
}

export interface Envelope<T> {
	data: T;
	meta?: ListMeta;
	message?: string;
}

export async function unwrap<T>(res: Response): Promise<Envelope<T>> {
	const body = (await res.json().catch(() => null)) as
		| { success?: boolean; data?: T; meta?: ListMeta; message?: string }
		| null;
	if (!body || body.success !== true) {
		throw new ApiError(res.status, 'bad_response', 'The server sent an unexpected response.');
	}
	return { data: body.data as T, meta: body.meta, message: body.message };
}

export async function toApiError(res: Response): Promise<ApiError> {
	const body = (await res.json().catch(() => null)) as {
		error?: { code?: string; message?: string; details?: unknown };
	} | null;
	const retryHeader = res.headers.get('retry-after');
	const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
	const code = body?.error?.code ?? (res.status === 429 ? 'rate_limited' : 'http_error');
	let message = body?.error?.message ?? (res.statusText || `Request failed (${res.status})`);
	if (code === 'rate_limited' && retryAfter !== null) {
		message = `Too many attempts. Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`;
	}
	return new ApiError(res.status, code, message, body?.error?.details, retryAfter);
}
