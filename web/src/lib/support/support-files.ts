/**
 * Ticket attachments: the download route wants the bearer token, so files are
 * fetched into a blob URL instead of linked; uploads go as multipart.
 */
import { ApiError, getFreshAccessToken } from '$lib/api/api-client';
import type { TicketAttachment } from './tickets';

async function authHeader(): Promise<Record<string, string>> {
	const token = await getFreshAccessToken();
	if (!token) throw new ApiError(401, 'unauthorized', 'Please sign in to continue.');
	return { authorization: `Bearer ${token}` };
}

async function failure(res: Response): Promise<ApiError> {
	try {
		const body = (await res.json()) as { error?: { code?: string; message?: string } };
		return new ApiError(res.status, body.error?.code ?? 'error', body.error?.message ?? res.statusText);
	} catch {
		return new ApiError(res.status, 'error', res.statusText || 'Request failed');
	}
}

/** Save an attachment to the user's device. */
export async function downloadAttachment(attachment: TicketAttachment): Promise<void> {
	const res = await fetch(attachment.url, { headers: await authHeader() });
	if (!res.ok) throw await failure(res);
	const url = URL.createObjectURL(await res.blob());
	try {
		const link = document.createElement('a');
		link.href = url;
		link.download = attachment.filename;
		document.body.append(link);
		link.click();
		link.remove();
	} finally {
		setTimeout(() => URL.revokeObjectURL(url), 10_000);
	}
}

/** Upload one file to a ticket, optionally onto one of its comments. */
export async function uploadAttachment(ticketId: string, file: File, commentId?: string): Promise<TicketAttachment> {
	const form = new FormData();
	form.append('file', file, file.name);
	if (commentId) form.append('commentId', commentId);
	const res = await fetch(`/api/support/tickets/${ticketId}/attachments`, {
		method: 'POST',
		headers: { ...(await authHeader()), accept: 'application/json' },
		body: form
	});
	if (!res.ok) throw await failure(res);
	return ((await res.json()) as { data: TicketAttachment }).data;
}

/** Tell the room what this user does on a ticket; `keepalive` lets "left" go out while the page unloads. */
export async function sendPresence(ticketId: string, activity: 'viewing' | 'replying' | 'left'): Promise<void> {
	const res = await fetch(`/api/support/tickets/${ticketId}/presence`, {
		method: 'POST',
		headers: { ...(await authHeader()), 'content-type': 'application/json', accept: 'application/json' },
		body: JSON.stringify({ activity }),
		keepalive: activity === 'left'
	});
	if (!res.ok) throw await failure(res);
}
